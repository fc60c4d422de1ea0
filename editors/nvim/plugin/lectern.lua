-- plugin/lectern.lua - the :Lectern and :LecternAtPoint commands; the work
-- is in lua/lectern/init.lua, loaded on first use.
if vim.g.loaded_lectern then
	return
end
vim.g.loaded_lectern = true

vim.api.nvim_create_user_command('Lectern', function(opts)
	local lectern = require('lectern')
	lectern.run(lectern.find, opts.args)
end, { nargs = '+', desc = 'lectern: search the notes, fill the quickfix list' })

vim.api.nvim_create_user_command('LecternAtPoint', function(opts)
	local lectern = require('lectern')
	lectern.run(lectern.at_point, opts.range > 0)
end, { range = true, desc = 'lectern: search for the word under the cursor or the selection' })
