#!/usr/bin/env bash
# Installs the Tryton 6.0 server and the modules the ERP integration tests need (Debian/Ubuntu).
# Quick no-op when trytond is already present; recommends are skipped because they pull in
# PostgreSQL and LibreOffice, which the SQLite-backed tests never use.
set -euo pipefail

if command -v trytond >/dev/null 2>&1 && command -v trytond-admin >/dev/null 2>&1; then
    echo "Tryton already installed: $(command -v trytond)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
    tryton-server \
    tryton-modules-sale \
    tryton-modules-stock \
    tryton-modules-product \
    tryton-proteus

echo "Tryton installed: $(command -v trytond)"
