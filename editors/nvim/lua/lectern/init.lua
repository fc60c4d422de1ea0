-- lectern.nvim - search your notes with a running lectern daemon.
--
-- Speaks the daemon's socket protocol directly (JSON lines over a Unix
-- socket, docs/protocol.md) through libuv, and starts `lectern serve` when
-- no one is listening. `:Lectern {query}` fills the quickfix list;
-- `:LecternAtPoint` searches for the word under the cursor or the visual
-- selection. See :help lectern.
local M = {}

local uv = vim.loop

-- The protocol version this plugin speaks; the daemon must report the same.
M.PROTOCOL = 1

local defaults = {
	program = 'lectern', -- used only to start the daemon
	index = nil, -- nil: $LECTERN_INDEX, $XDG_DATA_HOME/lectern, ~/.local/share/lectern
	socket = nil, -- nil: $XDG_RUNTIME_DIR/lectern/lectern.sock, else <index>/run/lectern.sock
	start_daemon = true, -- start `lectern serve` when no daemon answers
	serve_args = {}, -- extra arguments for `lectern serve`
	timeout = 10000, -- ms to wait for a reply, or for a new daemon to listen
	limit = 50, -- passages per search
	implicit_phrase = true, -- several bare words are one phrase
	open_quickfix = true, -- :copen after a search
}

M.config = vim.deepcopy(defaults)

-- Connection state. Replies arrive in libuv callbacks; `callbacks` maps a
-- request id to the function that takes its reply.
local state = {
	pipe = nil,
	pending = '',
	callbacks = {},
	next_id = 0,
	daemon = nil, -- job id of the daemon this Neovim started
	daemon_err = {},
}

-- setup(opts): merge opts into M.config.
function M.setup(opts)
	M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
end

local function fail(msg)
	error('lectern: ' .. msg, 0)
end

-- The index directory, as the command line tool would pick it.
function M.index_dir()
	if M.config.index then
		return (vim.fn.fnamemodify(M.config.index, ':p'):gsub('/$', ''))
	end
	local env = os.getenv('LECTERN_INDEX')
	if env and env ~= '' then
		return env
	end
	local data = os.getenv('XDG_DATA_HOME')
	if not data or data == '' then
		data = vim.fn.expand('~/.local/share')
	end
	return data .. '/lectern'
end

-- The path of the daemon's socket.
function M.socket_path()
	if M.config.socket then
		return vim.fn.fnamemodify(M.config.socket, ':p')
	end
	local run = os.getenv('XDG_RUNTIME_DIR')
	if run and run ~= '' then
		return run .. '/lectern/lectern.sock'
	end
	return M.index_dir() .. '/run/lectern.sock'
end

-- JSON null arrives as vim.NIL; make it nil.
local function denull(v)
	if v == vim.NIL then
		return nil
	end
	return v
end

local function error_reply(code, message)
	return { ok = false, error = { code = code, message = message } }
end

-- Call the callback waiting for the reply on `line`. Runs in a libuv
-- callback: it touches only Lua state (callbacks schedule API work).
local function dispatch(line)
	local ok, reply = pcall(vim.json.decode, line)
	if not ok or type(reply) ~= 'table' then
		return
	end
	local cb = state.callbacks[reply.id]
	if cb then
		state.callbacks[reply.id] = nil
		pcall(cb, reply)
	end
end

-- Answer every waiting request with a `disconnected` error.
local function fail_pending(why)
	local cbs = state.callbacks
	state.callbacks = {}
	for _, cb in pairs(cbs) do
		pcall(cb, error_reply('disconnected', why))
	end
end

local function close_pipe(pipe)
	if pipe and not pipe:is_closing() then
		pipe:close()
	end
	if state.pipe == pipe then
		state.pipe = nil
		state.pending = ''
	end
end

local function on_read(pipe, err, data)
	if err or not data then
		close_pipe(pipe)
		fail_pending('the connection to the daemon closed' .. (err and (': ' .. err) or ''))
		return
	end
	state.pending = state.pending .. data
	while true do
		local nl = state.pending:find('\n', 1, true)
		if not nl then
			break
		end
		local line = state.pending:sub(1, nl - 1)
		state.pending = state.pending:sub(nl + 1)
		dispatch(line)
	end
end

-- Connect to `path`; return the pipe, or nil and the error.
local function open(path)
	local pipe = uv.new_pipe(false)
	local done, cerr = false, nil
	pipe:connect(path, function(err)
		cerr = err
		done = true
	end)
	vim.wait(M.config.timeout, function()
		return done
	end, 5)
	if not done or cerr then
		pipe:close()
		return nil, cerr or 'timed out'
	end
	return pipe
end

-- Start `lectern serve` on `socket`.
local function spawn(socket)
	if vim.fn.executable(M.config.program) ~= 1 then
		fail(M.config.program .. ' is not executable (set program in require("lectern").setup{})')
	end
	local cmd = { M.config.program, 'serve', '--index', M.index_dir(), '--socket', socket }
	vim.list_extend(cmd, M.config.serve_args)
	state.daemon_err = {}
	state.daemon = vim.fn.jobstart(cmd, {
		on_stderr = function(_, lines)
			vim.list_extend(state.daemon_err, lines)
		end,
		on_exit = function()
			state.daemon = nil
		end,
	})
	if state.daemon <= 0 then
		state.daemon = nil
		fail('cannot run ' .. M.config.program)
	end
end

local function start_and_open(socket)
	spawn(socket)
	local deadline = uv.now() + M.config.timeout
	while state.daemon and uv.now() < deadline do
		local pipe = open(socket)
		if pipe then
			return pipe
		end
		vim.wait(50)
		uv.update_time()
	end
	local out = vim.trim(table.concat(state.daemon_err, '\n'))
	fail('the daemon did not start listening on ' .. socket .. (out ~= '' and (': ' .. out) or ''))
end

local function send(pipe, request, cb)
	state.next_id = state.next_id + 1
	local id = state.next_id
	request.id = id
	state.callbacks[id] = cb
	pipe:write(vim.json.encode(request) .. '\n')
	return id
end

-- Send `request` on `pipe` and wait for its reply (config.timeout ms).
local function sync(pipe, request)
	local reply
	local id = send(pipe, request, function(r)
		reply = r
	end)
	vim.wait(M.config.timeout, function()
		return reply ~= nil
	end, 5)
	if not reply then
		state.callbacks[id] = nil
		fail('no reply from the daemon within ' .. M.config.timeout .. ' ms')
	end
	return reply
end

local function check_version(pipe)
	local reply = sync(pipe, { op = 'ping' })
	local version = denull(reply.protocol)
	if reply.ok ~= true or version ~= M.PROTOCOL then
		close_pipe(pipe)
		fail(string.format(
			'the daemon speaks protocol %s but this plugin speaks %d; update the plugin or the lectern program so they match',
			tostring(version or '(none)'), M.PROTOCOL))
	end
end

-- connect(): a live, version-checked pipe to the daemon, starting the
-- daemon first if none answers and config.start_daemon is set.
function M.connect()
	if state.pipe and not state.pipe:is_closing() then
		return state.pipe
	end
	local socket = M.socket_path()
	local pipe, err = open(socket)
	if not pipe then
		if not M.config.start_daemon then
			fail('no daemon listens on ' .. socket .. ' (' .. tostring(err) .. '); run: lectern serve')
		end
		pipe = start_and_open(socket)
	end
	state.pending = ''
	pipe:read_start(function(rerr, data)
		on_read(pipe, rerr, data)
	end)
	local ok, cerr = pcall(check_version, pipe)
	if not ok then
		close_pipe(pipe)
		error(cerr, 0)
	end
	state.pipe = pipe
	return pipe
end

-- disconnect(): close the connection (a daemon this Neovim started keeps
-- running until Neovim exits).
function M.disconnect()
	close_pipe(state.pipe)
end

-- daemon_job(): the job id of the daemon this Neovim started, or nil.
function M.daemon_job()
	return state.daemon
end

-- request(req, cb): send `req` (a table without id) to the daemon; `cb` gets
-- the reply table on the main loop. Returns the request id.
function M.request(req, cb)
	return send(M.connect(), req, vim.schedule_wrap(cb))
end

-- request_sync(req): send `req` and return the reply; raise an error if the
-- daemon replies with one.
function M.request_sync(req)
	local reply = sync(M.connect(), req)
	if reply.ok ~= true then
		local e = denull(reply.error) or {}
		fail(tostring(denull(e.message) or 'error') .. ' (' .. tostring(denull(e.code) or '?') .. ')')
	end
	return reply
end

-- Quickfix items for the hits of a find reply. Quickfix columns are byte
-- columns, as the protocol's are.
local function qf_items(hits)
	local items = {}
	for _, hit in ipairs(hits or {}) do
		local text = (denull(hit.snippet) or ''):gsub('\n', ' ')
		if hit.stale == true then
			text = text .. '  [stale]'
		end
		-- a fallback hit holds only some of the query's words: it must
		-- not pass for a match (docs/query-language.md)
		if hit.fallback == true then
			text = text .. '  [some words]'
		end
		table.insert(items, {
			filename = hit.path,
			lnum = denull(hit.line) or 1,
			col = denull(hit.col) or 1,
			text = text,
		})
	end
	return items
end

-- find(query): search and fill the quickfix list; returns the number of
-- quickfix entries.
function M.find(query)
	query = vim.trim(query or '')
	if query == '' then
		fail('the query is empty')
	end
	local reply = M.request_sync({
		op = 'find',
		query = query,
		limit = M.config.limit,
		implicit_phrase = M.config.implicit_phrase,
	})
	local items = qf_items(denull(reply.hits))
	local fallback = reply.fallback == true and #items > 0
	local suggestion = denull(reply.suggestion)
	local title = 'lectern: ' .. query
	if fallback then
		title = title .. ' (no passage matches the whole query: passages matching some of its words)'
	end
	if suggestion then
		title = title .. ' (did you mean: ' .. suggestion .. '?)'
	end
	vim.fn.setqflist({}, ' ', { title = title, items = items })
	if #items == 0 or fallback then
		vim.notify('lectern: no passage matches ' .. query
			.. (fallback and '; showing passages matching some of its words' or '')
			.. (suggestion and ('; did you mean: ' .. suggestion .. '?') or ''), vim.log.levels.WARN)
	end
	if #items > 0 and M.config.open_quickfix then
		vim.cmd('copen')
		vim.cmd('wincmd p')
	end
	return #items
end

-- The text of the last visual selection, lines joined by spaces.
local function visual_text()
	local s, e = vim.fn.getpos("'<"), vim.fn.getpos("'>")
	local lines = vim.api.nvim_buf_get_lines(0, s[2] - 1, e[2], false)
	if #lines == 0 then
		return ''
	end
	if vim.fn.visualmode() ~= 'V' then
		-- '> is the first byte of the last character: keep all of it.
		local last = lines[#lines]
		local stop = e[3]
		if stop <= #last then
			stop = stop + #vim.fn.strpart(last, stop - 1, 1, true) - 1
		end
		lines[#lines] = last:sub(1, stop)
		lines[1] = lines[1]:sub(s[3])
	end
	return table.concat(lines, ' ')
end

-- at_point(visual): search for the visual selection if `visual`, else the
-- word under the cursor.
function M.at_point(visual)
	local query = visual and visual_text() or vim.fn.expand('<cword>')
	return M.find(query)
end

-- Report errors from the commands without a Lua traceback.
function M.run(fn, ...)
	local ok, err = pcall(fn, ...)
	if not ok then
		vim.notify(tostring(err), vim.log.levels.ERROR)
	end
	return ok
end

return M
