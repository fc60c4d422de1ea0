#!/usr/bin/env bash
# T421-lsp-nvim - Neovim's built-in LSP client (`nvim --headless`) runs
# `lectern lsp`: workspace/symbol "cattle, not pets" through
# vim.lsp.buf_request_sync gives the seed note at line 9 (0-based) and the
# UTF-16 character of the match; jumping there with
# vim.lsp.util.jump_to_location lands on the phrase (Neovim turns the UTF-16
# character into its byte column); :lua vim.lsp.buf.workspace_symbol fills
# the quickfix list with the note at line 10; hover on a [[link]] shows the
# note; :w reindexes the note (didSave); the server exits when Neovim does.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_need nvim
t_need python3

NOTES=$TEST_TMP/notes
SEED=$NOTES/2015-reinvent-partner-keynote-cattle-not-pets.txt
PHRASE='cattle, not pets'
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
printf "# Links\n\nSee [[2012-reinvent-jassy-keynote-notes]] for the keynote.\n" \
	>"$NOTES/links.md"
t_ok "index the notes" "$LECTERN" index --quiet --no-progress "$NOTES"

LINE10=$(sed -n 10p "$SEED")
PREFIX=${LINE10%%"$PHRASE"*}
BYTE_COL=$(($(LC_ALL=C; echo "${#PREFIX}") + 1))
UTF16=$(python3 -c 'import sys; print(len(sys.argv[1].encode("utf-16-le")) // 2)' "$PREFIX")
[[ $UTF16 -lt $((BYTE_COL - 1)) ]] || t_skip "corpus line 10 has no multibyte text before the phrase any more"

export T421_OUT=$TEST_TMP/t421.out T421_LECTERN=$LECTERN T421_NOTES=$NOTES
DRIVER=$TEST_TMP/t421.lua
cat >"$DRIVER" <<'EOF'
local out = assert(os.getenv('T421_OUT'))
local notes = assert(os.getenv('T421_NOTES'))
local function say(fmt, ...)
	local f = assert(io.open(out, 'a'))
	f:write(string.format(fmt, ...), '\n')
	f:close()
end
local function step(name, fn)
	local ok, err = pcall(fn)
	if not ok then say('STEPERROR %s %s', name, tostring(err)) end
end

local inited = false
local id = vim.lsp.start_client({
	name = 'lectern',
	cmd = { os.getenv('T421_LECTERN'), 'lsp', unpack(vim.split(os.getenv('T421_ARGS') or '', ' ', { trimempty = true })) },
	root_dir = notes,
	on_init = function() inited = true end,
	handlers = { ['window/logMessage'] = function(_, r) say('LOG %s', r.message) end },
})
say('CLIENT id=%s', tostring(id))
vim.cmd('edit ' .. notes .. '/links.md')
vim.lsp.buf_attach_client(0, id)
say('INIT ok=%s', tostring(vim.wait(20000, function() return inited end, 50)))
local client = vim.lsp.get_client_by_id(id)
say('CAPS symbol=%s hover=%s definition=%s', tostring(client.server_capabilities.workspaceSymbolProvider),
	tostring(client.server_capabilities.hoverProvider), tostring(client.server_capabilities.definitionProvider))

local loc
step('symbol', function()
	local res = vim.lsp.buf_request_sync(0, 'workspace/symbol', { query = 'cattle, not pets' }, 20000)
	local r = res and res[id]
	if r and r.error then say('SYMERROR %s', vim.inspect(r.error)) end
	local first = r and r.result and r.result[1]
	if first then
		loc = first.location
		say('SYMBOL file=%s line=%d char=%d count=%d', vim.uri_to_fname(loc.uri), loc.range.start.line,
			loc.range.start.character, #r.result)
	else
		say('SYMBOL none')
	end
end)
step('jump', function()
	vim.lsp.util.jump_to_location(loc, client.offset_encoding)
	local col = vim.fn.col('.')
	say('JUMP file=%s line=%d col=%d text=%s', vim.fn.expand('%:p'), vim.fn.line('.'), col,
		vim.fn.getline('.'):sub(col, col + 15))
end)
step('quickfix', function()
	vim.cmd('edit ' .. notes .. '/links.md')
	vim.fn.setqflist({}, 'r')
	vim.lsp.buf.workspace_symbol('cattle, not pets')
	vim.wait(20000, function() return #vim.fn.getqflist() > 0 end, 50)
	local first = vim.fn.getqflist()[1]
	if first then
		say('QF file=%s lnum=%d', vim.fn.fnamemodify(vim.fn.bufname(first.bufnr), ':p'), first.lnum)
	else
		say('QF none')
	end
end)
step('hover', function()
	vim.cmd('edit ' .. notes .. '/links.md')
	local res = vim.lsp.buf_request_sync(0, 'textDocument/hover',
		{ textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 2, character = 8 } }, 20000)
	local r = res and res[id]
	local v = r and r.result and r.result.contents and r.result.contents.value or 'none'
	say('HOVER %s', (v:gsub('\n', '|')):sub(1, 120))
end)
step('save', function()
	-- :w sends textDocument/didSave (the server asked for it): the note is
	-- reindexed before the next request is answered
	-- (the buffer may have been unloaded by the steps before, which detaches
	-- it: attach it again, as a FileType autocommand does in a real setup)
	vim.cmd('edit ' .. notes .. '/links.md')
	vim.lsp.buf_attach_client(0, id)
	vim.fn.append(vim.fn.line('$'), 'A xylophonic line, written from nvim.')
	vim.cmd('silent write')
	local res = vim.lsp.buf_request_sync(0, 'workspace/symbol', { query = 'xylophonic' }, 20000)
	local r = res and res[id]
	local first = r and r.result and r.result[1]
	say('SAVED %s', first and (vim.uri_to_fname(first.location.uri) .. ':' .. first.location.range.start.line) or 'none')
end)
step('stop', function()
	vim.lsp.stop_client(id)
	say('STOPPED %s', tostring(vim.wait(20000, function() return vim.lsp.client_is_stopped(id) end, 50)))
end)
EOF

# nvim_run ARGS: nvim headless runs the driver against `lectern lsp ARGS`.
nvim_run() {
	: >"$T421_OUT"
	T421_ARGS="$*" t_run timeout 120 nvim --headless -u NONE -i NONE -n \
		-c "luafile $DRIVER" -c 'qa!'
	T_OUT=$(cat "$T421_OUT")
}

check_nvim() {
	local mode=$1
	t_eq "$mode: nvim exits 0" 0 "$T_RC"
	t_lacks "$mode: no step failed" "STEPERROR" "$T_OUT"
	t_contains "$mode: the client initialized the server" "INIT ok=true" "$T_OUT"
	t_contains "$mode: it sees the capabilities" "CAPS symbol=true hover=true definition=true" "$T_OUT"
	t_contains "$mode: workspace/symbol gives the seed note at line 9, UTF-16 character $UTF16" \
		"SYMBOL file=$SEED line=9 char=$UTF16 count=1" "$T_OUT"
	t_contains "$mode: jump_to_location lands on the phrase at byte column $BYTE_COL" \
		"JUMP file=$SEED line=10 col=$BYTE_COL text=$PHRASE" "$T_OUT"
	t_contains "$mode: vim.lsp.buf.workspace_symbol fills the quickfix list" \
		"QF file=$SEED lnum=10" "$T_OUT"
	t_contains "$mode: hover on the [[link]] shows the note" \
		"HOVER **2012-reinvent-jassy-keynote-notes.txt**" "$T_OUT"
	t_contains "$mode: :w reindexes the note (didSave): its new line is found" \
		"SAVED $NOTES/links.md:3" "$T_OUT"
	t_contains "$mode: the reindex is in Neovim's LSP log (window/logMessage)" \
		"LOG lectern: reindexed $NOTES/links.md" "$T_OUT"
	t_contains "$mode: the server stops when asked" "STOPPED true" "$T_OUT"
}

nvim_run --no-daemon
check_nvim "no daemon"
printf "# Links\n\nSee [[2012-reinvent-jassy-keynote-notes]] for the keynote.\n" >"$NOTES/links.md"
"$LECTERN" index --quiet --no-progress "$NOTES" >/dev/null 2>&1
nvim_run
check_nvim "started daemon"
t_true "started daemon: it stopped with the server" test ! -e "$XDG_RUNTIME_DIR/lectern/lectern.sock"

t_done
