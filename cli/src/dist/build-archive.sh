#!/usr/bin/env bash
# Builds the installable CLI from target/nais.jar (run by Maven at `package`):
#   target/nais-<version>-linux-<arch>.tar.gz, unpacking to nais-<version>/:
#     install.sh                  installs it into a directory and records lib/nais.jsa there
#     bin/nais                    the launcher
#     lib/nais.jar                the CLI
#     runtime/                    a jlink-trimmed Java runtime: the modules jdeps finds, plus
#                                 jdk.crypto.ec (TLS key exchange; a provider, invisible to jdeps)
#     share/bash-completion/completions/nais, share/man/man1/nais.1
#   target/nais/                  the same, installed in place (bin/nais of a checkout runs it)
#
#   cli/src/dist/build-archive.sh <target dir> <version>
set -euo pipefail

target="$(cd "$1" && pwd)"
version="$2"
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
out="$target/nais"
jar="$target/nais.jar"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/share/bash-completion/completions" "$out/share/man/man1"

modules="$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar"),jdk.crypto.ec"
# Not compressed: classes the start-up archive does not hold are read straight from the image.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --generate-cds-archive --output "$out/runtime" >/dev/null

cp "$jar" "$out/lib/nais.jar"
install -m 755 "$dist/nais" "$out/bin/nais"
install -m 755 "$dist/install.sh" "$out/install.sh"
"$out/runtime/bin/java" -cp "$out/lib/nais.jar" io.nais.pg.cli.Nais completion > "$out/share/bash-completion/completions/nais"
"$out/runtime/bin/java" -cp "$out/lib/nais.jar" io.nais.pg.cli.ManPage > "$out/share/man/man1/nais.1"

tar -C "$target" --transform "s,^nais,nais-$version," -czf "$target/nais-$version-linux-$(uname -m).tar.gz" nais
"$out/install.sh" >/dev/null
