-- wrk script: requests the paths listed in a file (one per line, in order, cycling), each thread
-- starting at its own offset. Usage: wrk ... -s zipf-paths.lua <url> -- <paths file>
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
