#!/usr/bin/env bash
# Installs nais from this unpacked archive into DIR (an empty or new directory; default:
# where this script is, to use it in place), then records its start-up archive there:
# the AppCDS archive names lib/nais.jar by its absolute path, so it is made where nais
# will live, by a training run on nais' own runtime (io.nais.pg.cli.CdsTraining, ~3 s).
#
#   nais-<version>/install.sh ~/.local/opt/nais
#   ln -s ~/.local/opt/nais/bin/nais ~/.local/bin/nais      # or put its bin/ on PATH
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
dir="${1:-$here}"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if [[ $dir != "$here" ]]; then
  if [[ -n "$(ls -A "$dir")" ]]; then
    echo "nais install: $dir is not empty; pick a new or empty directory" >&2
    exit 1
  fi
  cp -a "$here/." "$dir/"
fi

# A static archive, not a dynamic one (-XX:ArchiveClassesAtExit): Java 17's dynamic archive
# leaves out classes older than class-file version 50, and picocli's are 49, so every start
# loaded and verified ~190 picocli classes from the jar. The static dump, from the class list
# of the same training run, holds them (bench/psql-launch.sh: ~10% less CPU per launch).
rm -f "$dir/lib/nais.jsa" "$dir/lib/classes.lst"
java=("$dir/runtime/bin/java" -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xlog:disable)
if ! { "${java[@]}" -XX:DumpLoadedClassList="$dir/lib/classes.lst" -cp "$dir/lib/nais.jar" io.nais.pg.cli.CdsTraining \
       && "${java[@]}" -Xshare:dump -XX:SharedClassListFile="$dir/lib/classes.lst" -XX:SharedArchiveFile="$dir/lib/nais.jsa" \
            -cp "$dir/lib/nais.jar"; } >/dev/null 2>&1; then
  rm -f "$dir/lib/nais.jsa"
  echo "nais install: could not record the start-up archive; nais works, but starts slower" >&2
fi
rm -f "$dir/lib/classes.lst"

cat <<DONE
nais is installed in $dir. Next:
  ln -s $dir/bin/nais ~/.local/bin/nais     # or: export PATH="$dir/bin:\$PATH"
  source $dir/share/bash-completion/completions/nais    # bash; zsh: autoload -U +X bashcompinit && bashcompinit first
  man $dir/share/man/man1/nais.1
DONE
