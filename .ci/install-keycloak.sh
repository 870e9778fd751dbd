#!/usr/bin/env bash
# Installs Keycloak for KeycloakTokenTest under target/keycloak: the distribution comes from Maven Central
# through the Maven wrapper (so ~/.m2 caches the download), and a Java 21+ to run it is found under
# /usr/lib/jvm or installed from Debian apt. Quick no-op when both are already present.
set -euo pipefail
cd "$(dirname "$0")/.."

KEYCLOAK_VERSION=26.5.6
INSTALL_DIR=target/keycloak
KEYCLOAK_HOME="$INSTALL_DIR/keycloak-$KEYCLOAK_VERSION"
JAVA_HOME_FILE="$INSTALL_DIR/java-home"

java_major() {
    local release="$1/release"
    [ -x "$1/bin/java" ] && [ -f "$release" ] || return 1
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

find_java() {
    local candidate major
    for candidate in ${JAVA_HOME:-} /usr/lib/jvm/*; do
        major=$(java_major "$candidate" 2>/dev/null) || continue
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then
            readlink -f "$candidate"
            return 0
        fi
    done
    return 1
}

install_java_from_apt() {
    local sudo="" package
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    for package in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
        if apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            $sudo apt-get install -y -q --no-install-recommends "$package"
            return 0
        fi
    done
    echo "No Java 21+ under /usr/lib/jvm and none in apt (openjdk-21/25-jdk-headless): Keycloak" \
        "$KEYCLOAK_VERSION needs one; install it and run this script again" >&2
    return 1
}

mkdir -p "$INSTALL_DIR"

if ! java_home=$(find_java); then
    install_java_from_apt
    java_home=$(find_java)
fi
echo "$java_home" > "$JAVA_HOME_FILE"
echo "Java for Keycloak: $java_home (Java $(java_major "$java_home"))"

if [ -x "$KEYCLOAK_HOME/bin/kc.sh" ]; then
    echo "Keycloak $KEYCLOAK_VERSION already installed: $KEYCLOAK_HOME"
    exit 0
fi

./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" \
    -DoutputDirectory="$INSTALL_DIR" -Dmdep.overWriteReleases=false -Dtransitive=false
rm -rf "$KEYCLOAK_HOME.partial"
mkdir -p "$KEYCLOAK_HOME.partial"
ARCHIVE="$INSTALL_DIR/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
tar --no-same-owner -xzf "$ARCHIVE" -C "$KEYCLOAK_HOME.partial" --strip-components=1
rm "$ARCHIVE"
mv "$KEYCLOAK_HOME.partial" "$KEYCLOAK_HOME"

echo "Keycloak $KEYCLOAK_VERSION installed: $KEYCLOAK_HOME"
