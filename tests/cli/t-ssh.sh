#!/usr/bin/env bash
# push and clone over SSH, against sshd on loopback: keys from the agent,
# then the default key files, the server's host key checked against
# ~/.ssh/known_hosts, and clear errors naming the remote and what was
# tried.  Skipped (status 77), saying why, when sshd is not installed or
# cannot be started here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

skip() {
	echo "# skip: $*"
	fake_stop
	rm -rf "$T_ROOT"
	exit 77
}
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip "sshd is not installed (Debian package openssh-server)"
for t in ssh ssh-keygen ssh-agent ssh-add; do
	command -v $t >/dev/null || skip "$t is not installed (openssh-client)"
done

S=$T_ROOT/sshd
mkdir -p "$S" "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$S/host" || skip "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -f "$S/user"
ssh-keygen -q -t ed25519 -N '' -f "$S/stranger"
cp "$S/user.pub" "$S/authorized_keys"
port=$(free_port)
me=$(id -un)
cat >"$S/config" <<EOS
Port $port
ListenAddress 127.0.0.1
HostKey $S/host
AuthorizedKeysFile $S/authorized_keys
PidFile $S/pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers $me
EOS
# sshd started as root wants its privilege separation directory.
if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
	mkdir -p /run/sshd 2>/dev/null
fi
"$SSHD" -D -e -f "$S/config" 2>"$S/log" &
sshd_pid=$!
T_FAKE_PIDS+=("$sshd_pid")
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$S/host.pub")" >"$HOME/.ssh/known_hosts"
sshcmd=(ssh -p "$port" -i "$S/user" -o BatchMode=yes -o IdentitiesOnly=yes
    -o UserKnownHostsFile="$HOME/.ssh/known_hosts" "$me@127.0.0.1")
if ! wait_until quiet "${sshcmd[@]}" true; then
	kill -0 "$sshd_pid" 2>/dev/null || skip "sshd cannot be started here: $(tail -1 "$S/log")"
	skip "sshd does not accept the test's key: $(tail -3 "$S/log")"
fi

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
mkdir -p "$T_ROOT/srv"
git init -q --bare "$T_ROOT/srv/hub.git"
URL="ssh://$me@127.0.0.1:$port$T_ROOT/srv/hub.git"

# The agent holds the key.
eval "$(ssh-agent -s)" >/dev/null
T_FAKE_PIDS+=("$SSH_AGENT_PID")
ssh-add -q "$S/user" 2>/dev/null
suite_repo a
ok morph run
ok morph remote add origin "$URL"
ok morph push
expect_contains "$out" "Pushed 1 run"
ok git -C "$T_ROOT/srv/hub.git" fsck --strict
ok morph clone "$URL" "$T_ROOT/b"
T_REPOS+=("$T_ROOT/b")
cd "$T_ROOT/b"
sent=$(fake_requests)
ok morph run --offline
expect_eq "$(fake_requests)" "$sent" "a clone over SSH replays with no request"

# A host key not in known_hosts is refused.
cd "$T_ROOT/a"
mv "$HOME/.ssh/known_hosts" "$HOME/.ssh/known_hosts.bak"
fails 2 morph fetch
expect_contains "$err" "cannot reach 'origin' ($URL): the host key of 127.0.0.1 is not in ~/.ssh/known_hosts"
mv "$HOME/.ssh/known_hosts.bak" "$HOME/.ssh/known_hosts"

# A key the server does not take: the error says what was tried.
ssh-add -q -D 2>/dev/null
ssh-add -q "$S/stranger" 2>/dev/null
fails 2 morph fetch
expect_contains "$err" "authentication to 'origin' ($URL) failed: the server took none of the SSH keys tried: the SSH agent"

# No agent: the default key file.
saved_sock=$SSH_AUTH_SOCK
unset SSH_AUTH_SOCK
fails 2 morph fetch
expect_contains "$err" "no SSH agent (\$SSH_AUTH_SOCK) and no key in ~/.ssh"
cp "$S/user" "$HOME/.ssh/id_ed25519"
cp "$S/user.pub" "$HOME/.ssh/id_ed25519.pub"
chmod 600 "$HOME/.ssh/id_ed25519"
printf 'Capital city of {{country}}\n' >prompts/q.txt
ok morph commit -a -m City
ok morph run
ok morph push
expect_contains "$out" "Pushed 1 run"
export SSH_AUTH_SOCK=$saved_sock
done_testing
