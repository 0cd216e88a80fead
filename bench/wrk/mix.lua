-- wrk script for one request class of the mixed load (bench/mix.py): it cycles through the
-- requests listed in a file, one per line, "METHOD<TAB>PATH[<TAB>BODY]". In a body,
-- "{token}" becomes a token unique to the request (a reply's client_token: the app treats a
-- repeated one as a double submit). Cookies and the X-CSRFToken header come from wrk's -H.
-- Arguments (after --): the requests file, and a nonce unique to the run.
--
-- done() prints what bench/mix.py reads, each line starting with "MIX ": the request and
-- error counts, then latency percentiles (microseconds) on a grid that is fine in the tail,
-- so the classes' latencies can be merged into one distribution and one p99. (Debian's
-- wrk 4.1 does not give the raw histogram to scripts: latency[i] answers i.)

local requests = {}
local nonce = "run"
local counter = 0
local position = 0
local form_headers = {}
local thread_number = 0
local threads_started = 0
local threads = {}
failed = {}  -- status -> count of answers that were not 2xx/3xx, in this thread

function setup(thread)
  threads_started = threads_started + 1
  thread:set("thread_number", threads_started)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status >= 400 then
    failed[status] = (failed[status] or 0) + 1
  end
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local path = args[1]
  if args[2] then nonce = args[2] end
  local file = assert(io.open(path, "r"), "cannot open the requests file " .. tostring(path))
  for line in file:lines() do
    if line ~= "" then
      local f = split(line)
      table.insert(requests, { method = f[1], path = f[2], body = f[3] })
    end
  end
  file:close()
  assert(#requests > 0, "no requests in " .. path)
  -- wrk.format's headers replace wrk.headers (the -H options, the cookies): copy them.
  form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for name, value in pairs(wrk.headers) do form_headers[name] = value end
  -- Threads start at different places, so they do not all ask for the same page at once.
  position = (thread_number * 7) % #requests
end

function request()
  position = position % #requests + 1
  local r = requests[position]
  if r.body == nil or r.body == "" then
    return wrk.format(r.method, r.path)
  end
  counter = counter + 1
  local token = string.format("%s-%d-%d", nonce, thread_number, counter)
  local body = r.body:gsub("{token}", token)
  return wrk.format(r.method, r.path, form_headers, body)
end

function done(summary, latency, requests_stats)
  local e = summary.errors
  io.write(string.format("MIX summary %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    summary.bytes))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("failed") or {}) do
      io.write(string.format("MIX status %d %d\n", status, count))
    end
  end
  if summary.requests == 0 then return end
  local grid = {}
  for p = 1, 98 do table.insert(grid, p) end
  for p = 98.1, 99.95, 0.1 do table.insert(grid, p) end
  table.insert(grid, 99.95)
  table.insert(grid, 99.99)
  io.write(string.format("MIX pct 0 %d\n", latency.min))
  for _, p in ipairs(grid) do
    io.write(string.format("MIX pct %.2f %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("MIX pct 100 %d\n", latency.max))
  io.write(string.format("MIX mean %.1f\n", latency.mean))
end
