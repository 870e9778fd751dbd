#!/usr/bin/python3
"""Give the admin and sync users of an already seeded database new passwords.

Lets a test JVM reuse a template database built by an earlier run while still using passwords
of its own. Run with Debian's /usr/bin/python3, server stopped:
    set-passwords.py DATABASE CONFIG_FILE
Passwords come from TRYTON_ADMIN_PASSWORD and TRYTON_SYNC_PASSWORD and are never printed.
"""
import os
import sys

from proteus import Model, config


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: set-passwords.py DATABASE CONFIG_FILE')
    passwords = {
        'admin': os.environ.get('TRYTON_ADMIN_PASSWORD'),
        'sync': os.environ.get('TRYTON_SYNC_PASSWORD'),
    }
    missing = [login for login, password in passwords.items() if not password]
    if missing:
        sys.exit('set-passwords.py: no password in the environment for %s' % ', '.join(missing))

    config.set_trytond(sys.argv[1], config_file=sys.argv[2])
    User = Model.get('res.user')
    for login, password in passwords.items():
        user, = User.find([('login', '=', login)])
        user.password = password
        user.save()


if __name__ == '__main__':
    main()
