-- wrk script: GET the dashboard's API requests (one path per line of the file given after "--")
-- in turn, each thread starting at a different place, and count non-200 answers and cache
-- misses (header X-GrowthLens-Cache) over all threads.
--   wrk -t2 -c16 -d15s --latency -s dashboard_mix.lua http://127.0.0.1:8599 -- urls.txt
-- With "distinct T" after the file (T = wrk's -t), thread i takes lines i, i+T, i+2T, ... once
-- each, so that no two requests of the run share a URL (a file of distinct filters made by
-- filtered_urls.py); a thread that runs out starts its lines again and the summary says so.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  urls = {}
  for line in io.lines(args[1] or "urls.txt") do
    if line ~= "" and line:sub(1, 1) ~= "#" then table.insert(urls, line) end
  end
  url_count = #urls
  stride = 1
  distinct = args[2] == "distinct"
  next_url = (id * 7) % #urls
  if distinct then
    stride = tonumber(args[3] or "1")
    next_url = id + 1 - stride
  end
  wrapped = 0
  not_ok = 0
  misses = 0
end

function request()
  next_url = next_url + stride
  if next_url > #urls then
    next_url = (next_url - 1) % stride + 1
    if distinct then wrapped = 1 end
  end
  local key = os.getenv("GROWTHLENS_KEY")  -- a read key, for a server that asks for one
  if key and key ~= "" then
    return wrk.format("GET", urls[next_url], {["Authorization"] = "Bearer " .. key})
  end
  return wrk.format("GET", urls[next_url])
end

function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
  local cache = headers["X-GrowthLens-Cache"] or headers["x-growthlens-cache"]
  if cache == "miss" then misses = misses + 1 end
end

function done(summary, latency, requests)
  local bad, missed, wrapped = 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
    missed = missed + thread:get("misses")
    wrapped = wrapped + thread:get("wrapped")
  end
  io.write(string.format("distinct URLs: %d\n", threads[1]:get("url_count")))
  io.write(string.format("non-200 answers: %d, cache misses: %d of %d requests\n", bad, missed,
                         summary.requests))
  if wrapped > 0 then
    io.write(string.format("%d thread(s) ran out of URLs and asked some again\n", wrapped))
  end
end
