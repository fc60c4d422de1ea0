#!/usr/bin/env bash
# T410-nvim - editors/nvim in `nvim --headless` against a live daemon over
# corpus/: `:Lectern cattle, not pets` fills the quickfix list and `:cc 1`
# lands on the line and column of the match, `:LecternAtPoint` uses the word
# under the cursor or the Visual selection, the plugin starts the daemon
# when none listens, and it refuses a daemon that speaks another protocol.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_need nvim

NOTE=$REPO/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt
PHRASE='cattle, not pets'

# Where "cattle, not pets" starts on line 10, as a 1-based byte column (what
# the protocol, quickfix and col('.') all use).
LINE10=$(sed -n 10p "$NOTE")
PREFIX=${LINE10%%"$PHRASE"*}
BYTE_COL=$(($(LC_ALL=C; echo "${#PREFIX}") + 1))

# wait_socket PATH [PID]: until a socket is at PATH, or the process PID ends
# (no clock: a hang is the runner's timeout)
wait_socket() {
	until [[ -S $1 ]]; do
		[[ -z ${2:-} ]] || kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
}

# The test driver: steps that print "TAG key=value ..." lines to $T410_OUT.
# Each step runs under pcall so one failure does not hide the others.
DRIVER=$TEST_TMP/t410.lua
cat >"$DRIVER" <<'EOF'
T = {}
local out = assert(os.getenv('T410_OUT'))
local phrase = 'cattle, not pets'

local function say(fmt, ...)
	local f = assert(io.open(out, 'a'))
	f:write(string.format(fmt, ...), '\n')
	f:close()
end

local function step(name, fn)
	local ok, err = pcall(fn)
	if not ok then
		say('STEPERROR %s %s', name, tostring(err))
	end
end

function T.qf(tag)
	local info = vim.fn.getqflist({ title = 1, items = 1 })
	say('%s title=%s count=%d', tag, info.title, #info.items)
	local first = info.items[1]
	if first then
		say('%s first=%s:%d:%d text=%s', tag, vim.fn.fnamemodify(vim.fn.bufname(first.bufnr), ':p'),
			first.lnum, first.col, first.text)
	end
end

function T.point(tag)
	local col = vim.fn.col('.')
	say('%s file=%s line=%d col=%d text=%s', tag, vim.fn.expand('%:p'), vim.fn.line('.'), col,
		vim.fn.getline('.'):sub(col, col + 15))
end

function T.running()
	step('find', function()
		vim.cmd('Lectern ' .. phrase)
		T.qf('FIND')
		say('QFWIN open=%d', vim.fn.getqflist({ winid = 1 }).winid ~= 0 and 1 or 0)
		vim.cmd('cc 1')
		T.point('JUMP')
	end)
	step('word', function()
		vim.cmd('enew!')
		vim.fn.setline(1, 'the herd of cattle grazed')
		vim.fn.cursor(1, 15)
		vim.cmd('LecternAtPoint')
		T.qf('WORD')
	end)
	step('visual', function()
		vim.cmd('enew!')
		vim.fn.setline(1, 'they are “' .. phrase .. '”.')
		vim.cmd([[exe "normal! 0fcvt”\<Esc>"]])
		vim.cmd("'<,'>LecternAtPoint")
		T.qf('VISUAL')
		vim.cmd('cc 1')
		T.point('VJUMP')
	end)
end

function T.autostart()
	step('auto', function()
		vim.cmd('Lectern ' .. phrase)
		T.qf('AUTO')
		local job = require('lectern').daemon_job()
		say('DAEMON job=%s pid=%s socket=%s', tostring(job ~= nil),
			job and vim.fn.jobpid(job) or 0,
			tostring(vim.loop.fs_stat(require('lectern').socket_path()) ~= nil))
		vim.cmd('cc 1')
		T.point('AUTOJUMP')
	end)
end

function T.fallback(query)
	step('fallback', function()
		vim.cmd('Lectern ' .. query)
		T.qf('FALLBACK')
	end)
end

function T.expect_error(query)
	local ok, err = pcall(require('lectern').find, query)
	say('ERROR ok=%s %s', tostring(ok), tostring(err))
	vim.cmd('silent! Lectern ' .. query)
	T.qf('AFTERERROR')
end
EOF

export T410_OUT=$TEST_TMP/t410.out

# nvim_run SETUP LUA: run nvim headless with the plugin, setup{SETUP}, then
# the Lua chunk LUA; its report goes to $T_OUT.
nvim_run() {
	: >"$T410_OUT"
	t_run timeout 60 nvim --headless -u NONE -i NONE -n \
		--cmd "set rtp^=$REPO/editors/nvim" --cmd 'runtime plugin/lectern.lua' \
		--cmd "luafile $DRIVER" \
		-c "lua require('lectern').setup{ $1 }" -c "lua $2" -c 'qa!'
	T_OUT=$(cat "$T410_OUT")
}

t_ok "the plugin defines its commands" nvim --headless -u NONE -i NONE -n \
	--cmd "set rtp^=$REPO/editors/nvim" --cmd 'runtime plugin/lectern.lua' \
	-c 'lua io.stdout:write(vim.fn.exists(":Lectern"), vim.fn.exists(":LecternAtPoint"), "\n")' -c 'qa!'
t_eq ":Lectern and :LecternAtPoint exist" "22" "$T_OUT"

# ---- a daemon already running ---------------------------------------------

t_ok "index the corpus" "$LECTERN" index --quiet --no-progress "$REPO/corpus"
SOCK=$TEST_TMP/serve.sock
t_bg "$LECTERN" serve --socket "$SOCK"
DAEMON=$T_BG_PID
t_true "lectern serve listens at $SOCK" wait_socket "$SOCK" "$DAEMON" || t_done

nvim_run "socket = '$SOCK', start_daemon = false, timeout = 20000" 'T.running()'
t_eq "nvim exits 0" 0 "$T_RC"
t_lacks "no step failed" "STEPERROR" "$T_OUT"
t_contains ":Lectern titles the quickfix list with the query" "FIND title=lectern: $PHRASE count=" "$T_OUT"
t_match "the first quickfix entry is the note, line 10, the byte column of the match" \
	"FIND first=$NOTE:10:$BYTE_COL text=.*$PHRASE" "$T_OUT"
t_contains ":Lectern opens the quickfix window" "QFWIN open=1" "$T_OUT"
t_contains ":cc 1 lands on line 10 at the column of \"cattle\"" \
	"JUMP file=$NOTE line=10 col=$BYTE_COL text=$PHRASE" "$T_OUT"
t_match ":LecternAtPoint searches the word under the cursor" 'WORD title=lectern: cattle count=[1-9]' "$T_OUT"
t_contains ":'<,'>LecternAtPoint searches the Visual selection" "VISUAL title=lectern: $PHRASE count=" "$T_OUT"
t_contains "and its first entry lands on the phrase" \
	"VJUMP file=$NOTE line=10 col=$BYTE_COL text=$PHRASE" "$T_OUT"

nvim_run "socket = '$SOCK', start_daemon = false" "T.fallback('catle pets')"
t_lacks "no step failed" "STEPERROR" "$T_OUT"
t_contains "a fallback titles the list so (no passage matches the whole query)" \
	"FALLBACK title=lectern: catle pets (no passage matches the whole query: passages matching some of its words)" "$T_OUT"
t_contains "with the suggestion in the title" "(did you mean: cattle pets?)" "$T_OUT"
t_match "and marks its entries" 'FALLBACK first=.* text=.*  \[some words\]$' "$T_OUT"
nvim_run "socket = '$SOCK', start_daemon = false" "T.fallback('cattle')"
t_match "a match is not marked" 'FALLBACK title=lectern: cattle count=[1-9]' "$T_OUT"
t_lacks "(no mark on its entries)" "[some words]" "$T_OUT"

nvim_run "socket = '$SOCK', start_daemon = false" "T.expect_error(',,,')"
t_match "an error reply from the daemon becomes an error with its code" \
	'ERROR ok=false lectern: .+ \(bad_query\)' "$T_OUT"

kill "$DAEMON" 2>/dev/null
wait "$DAEMON" 2>/dev/null

nvim_run "socket = '$SOCK', start_daemon = false" "T.expect_error('$PHRASE')"
t_contains "with no daemon and start_daemon off, the error says so" \
	"ERROR ok=false lectern: no daemon listens on $SOCK" "$T_OUT"

# ---- the plugin starts the daemon -----------------------------------------

AUTO=$TEST_TMP/auto/lectern.sock
nvim_run "socket = '$AUTO', program = '$LECTERN', timeout = 20000" 'T.autostart()'
t_eq "nvim exits 0" 0 "$T_RC"
t_lacks "no step failed" "STEPERROR" "$T_OUT"
t_contains "the plugin started a daemon" "DAEMON job=true" "$T_OUT"
t_contains "the daemon listens on the configured socket" "socket=true" "$T_OUT"
t_contains "the started daemon answers the search" "AUTO first=$NOTE:10:$BYTE_COL " "$T_OUT"
t_contains ":cc 1 lands on the phrase" "AUTOJUMP file=$NOTE line=10 col=$BYTE_COL text=$PHRASE" "$T_OUT"
AUTO_PID=$(sed -n 's/^DAEMON .*pid=\([0-9]*\) .*/\1/p' <<<"$T_OUT")
if [[ -n $AUTO_PID && $AUTO_PID != 0 ]]; then
	gone=0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$AUTO_PID" 2>/dev/null || { gone=1; break; }
		sleep 0.1
	done
	t_eq "the daemon started by nvim stops when nvim exits" 1 "$gone"
	[[ $gone -eq 1 ]] || kill "$AUTO_PID" 2>/dev/null
fi

# ---- a daemon that speaks another protocol --------------------------------

if command -v socat >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	FAKE=$TEST_TMP/fake.sock
	cat >"$TEST_TMP/fake-daemon" <<'EOF'
#!/usr/bin/env bash
# Answers every request as a daemon of protocol 99 would answer ping.
while IFS= read -r line; do
	id=$(jq -c .id <<<"$line")
	printf '{"id":%s,"ok":true,"protocol":99,"version":"9.0.0","index":"/x"}\n' "$id"
done
EOF
	chmod +x "$TEST_TMP/fake-daemon"
	t_bg socat "UNIX-LISTEN:$FAKE,fork" "EXEC:$TEST_TMP/fake-daemon"
	wait_socket "$FAKE"
	nvim_run "socket = '$FAKE', start_daemon = false" "T.expect_error('$PHRASE')"
	t_contains "a daemon with another protocol version is refused" \
		"ERROR ok=false lectern: the daemon speaks protocol 99 but this plugin speaks 1" "$T_OUT"
	t_contains "and the quickfix list stays empty" "AFTERERROR title= count=0" "$T_OUT"
else
	echo "# socat or jq missing: protocol mismatch not tested"
fi

t_done
