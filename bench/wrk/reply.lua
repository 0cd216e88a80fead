-- wrk script for the reply benchmark: every request is a form POST with a fresh
-- client_token (the app treats a repeated token as a double submit and makes no post).
-- The session and CSRF cookies and the X-CSRFToken header come from wrk's -H options.
-- Arguments (after --): a nonce unique to the run, and the URL-encoded reply body.

local counter = 0
local nonce = "run"
local body_text = "benchmark+reply"
local thread_number = 0
local threads_started = 0

function setup(thread)
  threads_started = threads_started + 1
  thread:set("thread_number", threads_started)
end

function init(args)
  if args[1] then nonce = args[1] end
  if args[2] then body_text = args[2] end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  counter = counter + 1
  local token = string.format("%s-%d-%d", nonce, thread_number, counter)
  local body = "body=" .. body_text .. "&client_token=" .. token
  return wrk.format("POST", nil, nil, body)
end
