-- wrk script: POST batches of events to the collector, each event with a uuid and a time of its
-- own (no batch repeats another), as an SDK's flush would send them. Counts non-200 answers.
--   wrk -t2 -c8 -d15s --latency -s ingest_events.lua http://127.0.0.1:8598 -- 1000
-- The argument after "--" is the events per batch (default 1000). Environment: GROWTHLENS_KEY
-- (a write key, sent as "Authorization: Bearer KEY"), INGEST_DELAY_MS (a pause before each
-- batch on each connection, to hold a rate rather than go flat out; default 0), INGEST_RUN (a
-- prefix of the uuids) and INGEST_TIME_OFFSET_MS (added to the times), so that a second run
-- into the same workspace sends new events.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  batch_events = tonumber(args[1] or "1000")
  sent = 0
  not_ok = 0
  pause_ms = tonumber(os.getenv("INGEST_DELAY_MS") or "0")
  run = os.getenv("INGEST_RUN") or "r"
  time_offset_ms = tonumber(os.getenv("INGEST_TIME_OFFSET_MS") or "0")
  headers = {["Content-Type"] = "application/json"}
  local key = os.getenv("GROWTHLENS_KEY")
  if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end
end

function delay()
  return pause_ms
end

-- Every event new: its uuid and its time (a millisecond of its own) differ from every other
-- batch's, as they do in a real stream; users and event names repeat.
function request()
  sent = sent + 1
  local parts = {}
  local first_ms = 1764547200000 + time_offset_ms + (sent * 16 + id) * batch_events
  for i = 1, batch_events do
    parts[i] = string.format(
      '{"user_id":"u%d","event":"feature_%d","timestamp":%.0f,"uuid":"%s-%d-%d-%d",' ..
      '"properties":{"platform":"%s"}}',
      (i * 7919 + sent) % 50000, i % 24, first_ms + i, run, id, sent, i,
      i % 3 == 0 and "ios" or "web")
  end
  return wrk.format("POST", "/api/v1/events", headers, "[" .. table.concat(parts, ",") .. "]")
end

function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("not_ok") end
  local seconds = summary.duration / 1e6
  io.write(string.format("batches: %d (%d not 200); events/s: %.0f\n", summary.requests, failed,
                         (summary.requests - failed) * threads[1]:get("batch_events") / seconds))
end
