using System;
using System.Globalization;
using System.Text;

namespace FastCgi.Aot.Hosting;

/// <summary>
/// The paths the server answers itself, before the application sees the request: a status page
/// with the server's counters (PHP-FPM's <c>pm.status_path</c>) and a liveness ping
/// (<c>ping.path</c>). It exists only when one of the paths is set, so with both off the request
/// path pays one null check.
/// </summary>
/// <remarks>
/// The page tells anyone who can reach it how busy the process is: restrict it in the web server
/// (nginx: <c>location = /status { allow 127.0.0.1; deny all; ... }</c>).
/// </remarks>
internal sealed class FcgiStatusPage
{
    private readonly FcgiHostState _host;
    private readonly byte[]? _statusPath;
    private readonly byte[]? _pingPath;

    private FcgiStatusPage(FcgiHostState host, string? statusPath, string? pingPath)
    {
        _host = host;
        _statusPath = statusPath is null ? null : Encoding.UTF8.GetBytes(statusPath);
        _pingPath = pingPath is null ? null : Encoding.UTF8.GetBytes(pingPath);
    }

    /// <summary>The page for these options, or null when both paths are off.</summary>
    public static FcgiStatusPage? Create(FcgiHostState host) =>
        host.Options.StatusPath is null && host.Options.PingPath is null
            ? null
            : new FcgiStatusPage(host, host.Options.StatusPath, host.Options.PingPath);

    /// <summary>Answers the request when its path is the status or ping path; false otherwise.</summary>
    public bool TryServe(FcgiRequest request, FcgiResponse response)
    {
        ReadOnlySpan<byte> path = request.Path;
        if (_pingPath is not null && path.SequenceEqual(_pingPath))
        {
            NoCache(response);
            response.ContentType = "text/plain";
            response.Write("pong\n"u8);
            return true;
        }

        if (_statusPath is not null && path.SequenceEqual(_statusPath))
        {
            NoCache(response);
            if (WantsJson(request.QueryString))
            {
                response.ContentType = "application/json";
                WriteJson(response);
            }
            else
            {
                response.ContentType = "text/plain; charset=utf-8";
                WriteText(response);
            }

            return true;
        }

        return false;
    }

    /// <summary>True for <c>?json</c> or <c>?format=json</c> among the query's <c>&amp;</c>-separated parts (PHP-FPM accepts <c>?json</c>).</summary>
    internal static bool WantsJson(ReadOnlySpan<byte> query)
    {
        while (!query.IsEmpty)
        {
            int amp = query.IndexOf((byte)'&');
            ReadOnlySpan<byte> part = amp < 0 ? query : query.Slice(0, amp);
            if (part.SequenceEqual("json"u8) || part.SequenceEqual("format=json"u8))
            {
                return true;
            }

            query = amp < 0 ? default : query.Slice(amp + 1);
        }

        return false;
    }

    private static void NoCache(FcgiResponse response) =>
        response.AddHeader("Cache-Control", "no-cache, no-store, must-revalidate, max-age=0");

    /// <summary>The values the page shows, in order, as (text label, JSON name, value).</summary>
    private (string Label, string Name, long Value)[] Snapshot()
    {
        FcgiServerStatistics s = _host.Statistics;
        return
        [
            ("uptime seconds", "uptime_seconds", (Environment.TickCount64 - _host.StartedAt) / 1000),
            ("accepted connections", "accepted_connections", s.AcceptedConnections),
            ("active connections", "active_connections", s.ActiveConnections),
            ("active requests", "active_requests", s.ActiveRequests),
            ("total requests", "total_requests", s.TotalRequests),
            ("refused overloaded", "refused_overloaded", s.RefusedOverloaded),
            ("refused params too large", "refused_params_too_large", s.RefusedParamsTooLarge),
            ("refused body too large", "refused_body_too_large", s.RefusedBodyTooLarge),
            ("timed out requests", "timed_out_requests", s.TimedOut),
            ("slow requests", "slow_requests", s.SlowRequests),
            ("io stalls", "io_stalls", s.IoStalls),
            ("blocking threads", "blocking_threads", s.BlockingThreads),
            ("blocking busy", "blocking_busy", s.BlockingBusy),
            ("blocking queued", "blocking_queued", s.BlockingQueued),
            ("blocking rejected", "blocking_rejected", s.BlockingRejected),
            ("spooled bytes", "spooled_bytes", s.SpooledBytes),
            ("body memory bytes", "body_memory_bytes", s.BodyMemoryBytes),
            ("pooled request contexts", "pooled_request_contexts", s.PooledRequestContexts),
            ("pooled buffer bytes", "pooled_buffer_bytes", s.PooledBufferBytes),
            ("aborted requests", "aborted_requests", s.Aborted),
            ("handler errors", "handler_errors", s.HandlerErrors),
            ("protocol errors", "protocol_errors", s.ProtocolErrors),
            ("max connections", "max_connections", _host.Options.MaxConnections),
            ("max requests", "max_requests", _host.Options.MaxRequests),
            ("resident memory bytes", "resident_memory_bytes", FcgiProcessMemory.ReadResidentBytes()),
            ("gc heap bytes", "gc_heap_bytes", GC.GetGCMemoryInfo().HeapSizeBytes),
        ];
    }

    private void WriteText(FcgiResponse response)
    {
        var text = new StringBuilder(1024);
        text.Append(CultureInfo.InvariantCulture, $"{"pid:",-26}{Environment.ProcessId}\n");
        foreach ((string label, _, long value) in Snapshot())
        {
            text.Append(CultureInfo.InvariantCulture, $"{label + ":",-26}{value}\n");
        }

        response.Write(text.ToString());
    }

    // Written by hand: the names are fixed ASCII identifiers and the values integers, so nothing
    // needs escaping, and an application that serializes no JSON does not link System.Text.Json.
    private void WriteJson(FcgiResponse response)
    {
        var json = new StringBuilder(1024);
        json.Append(CultureInfo.InvariantCulture, $"{{\"pid\":{Environment.ProcessId}");
        foreach ((_, string name, long value) in Snapshot())
        {
            json.Append(CultureInfo.InvariantCulture, $",\"{name}\":{value}");
        }

        response.Write(json.Append("}\n").ToString());
    }
}
