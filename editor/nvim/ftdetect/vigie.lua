-- Files ending in .vigie are Vigie rule files.
vim.filetype.add({ extension = { vigie = "vigie" } })
