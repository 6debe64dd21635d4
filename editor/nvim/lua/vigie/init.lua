-- Vigie for Neovim (0.10+): starts `vigie lsp` for every Vigie buffer.
--
--   require("vigie").setup()                       -- `vigie` on PATH
--   require("vigie").setup({ cmd = { "/path/to/vigie", "lsp" } })
--
-- The pack is the folder of the file: every .vigie file in it counts, so
-- that folder is the root; one server serves all the packs of a session.
local M = {}

local defaults = {
  cmd = { "vigie", "lsp" },
  -- Format with `vigie fmt` (through the server) before writing.
  format_on_save = false,
}

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", defaults, opts or {})
  vim.filetype.add({ extension = { vigie = "vigie" } })
  local group = vim.api.nvim_create_augroup("vigie_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "vigie",
    callback = function(args)
      local file = vim.api.nvim_buf_get_name(args.buf)
      local root = file ~= "" and vim.fs.dirname(file) or vim.fn.getcwd()
      vim.lsp.start({
        name = "vigie",
        cmd = opts.cmd,
        root_dir = root,
        -- One client for every pack: the server finds each file's pack.
        reuse_client = function(client, config)
          return client.name == config.name
        end,
      }, { bufnr = args.buf })
      vim.bo[args.buf].commentstring = "# %s"
      if opts.format_on_save then
        vim.api.nvim_create_autocmd("BufWritePre", {
          group = group,
          buffer = args.buf,
          callback = function()
            vim.lsp.buf.format({ bufnr = args.buf, name = "vigie" })
          end,
        })
      end
    end,
  })
  -- The test lenses run on the server: `vigie.runTest` is one of its
  -- commands, so `vim.lsp.codelens.run()` works as is.
  vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost" }, {
    group = group,
    pattern = "*.vigie",
    callback = function(args)
      vim.lsp.codelens.refresh({ bufnr = args.buf })
    end,
  })
end

return M
