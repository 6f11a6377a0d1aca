#!/usr/bin/env bash
# Evidence for aspects/desired-is-pure.md: src/desired/ starts no process and opens no socket.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='std::process|Command::new|std::net|TcpStream|UdpSocket|tokio::|reqwest|hyper::'
if hits=$(grep -rnE "$pattern" src/desired/); then
  echo "src/desired/ must do no process or network I/O; found:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "src/desired/ does no process or network I/O"
