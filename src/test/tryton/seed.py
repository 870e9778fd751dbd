#!/usr/bin/python3
"""Seed a fresh Tryton 6.0 database with the data the bridge's ERP tests rely on.

Run with Debian's /usr/bin/python3 (proteus lives in its dist-packages) while the server is
stopped:  seed.py DATABASE CONFIG_FILE

The password of the `sync` user is read from TRYTON_SYNC_PASSWORD and never printed.
Prints one JSON line with the ids of what it created.
"""
import datetime
import json
import os
import sys
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from proteus import Model, Wizard, config

COMPANY_NAME = 'Acme ERP Co'
CUSTOMERS = [
    ('ACC-001', 'Müller GmbH', 'Hauptstraße 1', '10115', 'Berlin'),
    ('ACC-002', 'Northwind Traders', '12 Harbour Road', '98052', 'Redmond'),
]
PRODUCTS = [
    ('SKU-001', 'Widget', Decimal('10.00'), 100),
    ('SKU-002', 'Gadget', Decimal('25.00'), 7),
    ('SKU-003', 'Gizmo', Decimal('12.50'), 42),
]
SYNC_GROUPS = ['Sales', 'Sales Administrator', 'Stock', 'Stock Administration']


def create_company():
    usd = Model.get('currency.currency')(
        name='U.S. Dollar', symbol='$', code='USD', rounding=Decimal('0.01'))
    usd.save()
    Model.get('currency.currency.rate')(
        date=datetime.date.min, rate=Decimal(1), currency=usd).save()

    party = Model.get('party.party')(name=COMPANY_NAME)
    party.save()
    wizard = Wizard('company.company.config')
    wizard.execute('company')
    wizard.form.party = party
    wizard.form.currency = usd
    wizard.execute('add')
    company, = Model.get('company.company').find()
    return company


def create_fiscal_year(company, today):
    Sequence = Model.get('ir.sequence')
    SequenceStrict = Model.get('ir.sequence.strict')
    SequenceType = Model.get('ir.sequence.type')

    year = Model.get('account.fiscalyear')(
        name=str(today.year), company=company,
        start_date=today + relativedelta(month=1, day=1),
        end_date=today + relativedelta(month=12, day=31))
    move_type, = SequenceType.find([('name', '=', 'Account Move')], limit=1)
    year.post_move_sequence = Sequence(
        name='Moves %s' % today.year, sequence_type=move_type, company=company)
    year.post_move_sequence.save()

    invoice_type, = SequenceType.find([('name', '=', 'Invoice')], limit=1)
    invoice_sequence = SequenceStrict(
        name='Invoices %s' % today.year, sequence_type=invoice_type, company=company)
    invoice_sequence.save()
    sequences, = year.invoice_sequences
    sequences.out_invoice_sequence = invoice_sequence
    sequences.in_invoice_sequence = invoice_sequence
    sequences.out_credit_note_sequence = invoice_sequence
    sequences.in_credit_note_sequence = invoice_sequence
    year.save()
    year.click('create_period')
    return year


def create_chart(company):
    template_data, = Model.get('ir.model.data').find([
            ('module', '=', 'account'), ('fs_id', '=', 'account_template_root_en')], limit=1)
    wizard = Wizard('account.create_chart')
    wizard.execute('account')
    wizard.form.account_template = Model.get('account.account.template')(template_data.db_id)
    wizard.form.company = company
    wizard.execute('create_account')

    Account = Model.get('account.account')
    accounts = {}
    for kind in ('receivable', 'payable', 'revenue', 'expense'):
        accounts[kind], = Account.find(
            [('type.%s' % kind, '=', True), ('company', '=', company.id)], limit=1)
    wizard.form.account_receivable = accounts['receivable']
    wizard.form.account_payable = accounts['payable']
    wizard.execute('create_properties')
    return accounts


def create_customers():
    Party = Model.get('party.party')
    customers = []
    for code, name, street, postal_code, city in CUSTOMERS:
        # An explicit code bypasses the party sequence, so the CRM account number is the key.
        party = Party(code=code, name=name)
        address, = party.addresses
        address.street = street
        address.postal_code = postal_code
        address.city = city
        party.save()
        customers.append(party)
    return customers


def create_products(accounts):
    category = Model.get('product.category')(
        name='Accounting', accounting=True,
        account_revenue=accounts['revenue'], account_expense=accounts['expense'])
    category.save()
    unit, = Model.get('product.uom').find([('name', '=', 'Unit')])

    products = []
    for code, name, price, quantity in PRODUCTS:
        template = Model.get('product.template')(
            name=name, default_uom=unit, type='goods', salable=True,
            list_price=price, account_category=category)
        # Without a template prefix, product.product code is exactly the variant suffix.
        template.products[0].suffix_code = code
        template.save()
        products.append((template.products[0], quantity))
    return unit, products


def stock_products(storage, products):
    inventory = Model.get('stock.inventory')(location=storage)
    for product, quantity in products:
        line = inventory.lines.new(product=product)
        line.quantity = float(quantity)
        line.expected_quantity = 0.0
    inventory.click('confirm')
    return inventory


def create_sync_user(company, password):
    Group = Model.get('res.group')
    user = Model.get('res.user')(name='CRM Bridge Sync', login='sync')
    user.password = password
    for group_name in SYNC_GROUPS:
        group, = Group.find([('name', '=', group_name)])
        user.groups.append(group)
    user.companies.append(Model.get('company.company')(company.id))
    user.company = company
    user.save()
    return user


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: seed.py DATABASE CONFIG_FILE')
    sync_password = os.environ.get('TRYTON_SYNC_PASSWORD')
    if not sync_password:
        sys.exit('seed.py: set TRYTON_SYNC_PASSWORD to the password for the sync user')

    cfg = config.set_trytond(sys.argv[1], config_file=sys.argv[2])
    today = datetime.date.today()

    company = create_company()
    # The company only becomes the default for later records once it is in the user context.
    cfg._context = Model.get('res.user').get_preferences(True, {})
    year = create_fiscal_year(company, today)
    accounts = create_chart(company)
    customers = create_customers()
    unit, products = create_products(accounts)

    term = Model.get('account.invoice.payment_term')(name='Direct')
    term.lines.new(type='remainder')
    term.save()

    Location = Model.get('stock.location')
    storage, = Location.find([('code', '=', 'STO')])
    warehouse, = Location.find([('code', '=', 'WH')])
    inventory = stock_products(storage, products)
    user = create_sync_user(company, sync_password)

    print(json.dumps({
        'company': company.id,
        'fiscal_year': year.id,
        'customers': {p.code: {'id': p.id, 'address': p.addresses[0].id} for p in customers},
        'products': {p.code: p.id for p, _ in products},
        'unit': unit.id,
        'storage': storage.id,
        'warehouse': warehouse.id,
        'payment_term': term.id,
        'inventory_state': inventory.state,
        'sync_user': user.id,
    }, ensure_ascii=False))


if __name__ == '__main__':
    main()
