using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>
/// A hand-written application that routes as generated ones do (<see cref="Match"/> with
/// endpoints, some of them <c>Blocking</c>) and records every completed request, for the tests of
/// the request state machine. State a test observes is keyed by the request's <c>key</c> query
/// value, so tests never share it.
/// </summary>
internal sealed class LifecycleApplication : IFcgiApplication
{
    public static readonly FcgiEndpoint Inline = new(0, "GET /inline (LifecycleApplication)");
    public static readonly FcgiEndpoint Blocking = new(1, "GET /blocking (LifecycleApplication)", blocking: true);
    public static readonly FcgiEndpoint Limited = new(2, "POST /limited (LifecycleApplication)", maxBodyBytes: 10);

    private static readonly ConcurrentDictionary<string, Gate> s_gates = new();
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<FcgiRequestSummary>> s_completed = new();

    /// <summary>What a keyed request did; tests look it up by key.</summary>
    public sealed class Gate
    {
        private int _entered;

        /// <summary>Opened by the test: the handlers waiting on it go on.</summary>
        public ManualResetEventSlim Open { get; } = new(false);

        /// <summary>How many handlers reached the gate.</summary>
        public int Entered => Volatile.Read(ref _entered);

        /// <summary>Set when a handler returns; carries the name of the thread it ran on.</summary>
        public ConcurrentQueue<string> Threads { get; } = new();

        public void Enter() => Interlocked.Increment(ref _entered);
    }

    public static Gate GateFor(string key) => s_gates.GetOrAdd(key, _ => new Gate());

    /// <summary>The summaries the after hook saw for requests with this key.</summary>
    public static FcgiRequestSummary[] Completed(string key) =>
        s_completed.TryGetValue(key, out ConcurrentQueue<FcgiRequestSummary>? queue) ? queue.ToArray() : [];

    public static FcgiEndpoint? Match(FcgiRequest request)
    {
        ReadOnlySpan<byte> path = request.Path;
        if (path.StartsWith("/blocking"u8))
        {
            return Blocking;
        }

        return path.SequenceEqual("/limited"u8) ? Limited : Inline;
    }

    public static bool ObservesCompletedRequests => true;

    public static void OnRequestCompleted(FcgiRequest request, in FcgiRequestSummary summary)
    {
        if (Query(request, "key") is { } key)
        {
            s_completed.GetOrAdd(key, _ => new ConcurrentQueue<FcgiRequestSummary>()).Enqueue(summary);
        }
    }

    public static async ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        string path = request.GetPathString();
        string key = Query(request, "key") ?? "";
        int ms = QueryInt(request, "ms", 0);
        int bytes = QueryInt(request, "bytes", 0);
        response.ContentType = "text/plain";
        switch (path)
        {
            case "/hello":
            case "/blocking/hello":
                response.Write("hello " + key + "\n");
                break;

            case "/inline/sleep":
            case "/blocking/sleep":
                // Blocks its thread, as a synchronous database call does.
                Thread.Sleep(ms);
                response.Write("slept " + key + "\n");
                break;

            case "/inline/gate":
            case "/blocking/gate":
            {
                Gate gate = GateFor(key);
                gate.Enter();
                gate.Open.Wait(TimeSpan.FromSeconds(30));
                gate.Threads.Enqueue(Thread.CurrentThread.Name ?? "(unnamed)");
                response.Write(Thread.CurrentThread.Name ?? "(unnamed)");
                break;
            }

            case "/async/echo":
                await Task.Yield();
                response.Write("async " + key + "\n");
                break;

            case "/async/gate":
            {
                // Waits without holding a thread.
                Gate gate = GateFor(key);
                gate.Enter();
                await Task.Run(() => gate.Open.Wait(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
                response.Write("through " + key + "\n");
                break;
            }

            case "/blocking/write-sync":
                // Synchronous writes far past the response buffer limit: a worker waits for the socket.
                WritePattern(response, bytes);
                break;

            case "/inline/fail-after-start":
            case "/blocking/fail-after-start":
                response.ContentType = "application/octet-stream";
                await response.WriteAsync(Pattern(bytes)).ConfigureAwait(false);
                await response.FlushAsync().ConfigureAwait(false);
                throw new InvalidOperationException("failed after the response started (" + key + ")");

            case "/inline/fail":
                throw new InvalidOperationException("failed before any output (" + key + ")");

            case "/inline/stream-then-wait":
                // Headers and some body go out, then the handler outlives the request timeout.
                await response.WriteAsync(Pattern(1000)).ConfigureAwait(false);
                await response.FlushAsync().ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, request.Aborted).ConfigureAwait(false);
                break;

            case "/inline/write-after-timeout":
                // Blocks past the timeout, then writes: that output must go nowhere.
                Thread.Sleep(ms);
                response.Write("LATE OUTPUT " + key + "\n");
                await response.WriteAsync(Pattern(100_000)).ConfigureAwait(false);
                break;

            case "/limited":
                response.Write(request.Body);
                break;

            case "/headers/doubled":
                response.AddHeader("Content-Type", "text/html");
                response.AddHeader("Content-Type", "application/json");
                response.AddHeader("Location", "/first");
                response.AddHeader("Location", "/second");
                response.AddHeader("Set-Cookie", "a=1");
                response.AddHeader("Set-Cookie", "b=2");
                response.Write("{}");
                break;

            case "/headers/status":
                response.AddHeader("Status", "200 OK");
                break;

            case "/headers/length-right":
                response.AddHeader("Content-Length", "5");
                response.Write("12345");
                break;

            case "/headers/length-wrong":
                response.AddHeader("Content-Length", "5");
                response.Write("123");
                break;

            case "/headers/length-streamed-short":
                response.ContentLength = 100_000;
                await response.WriteAsync(Pattern(70_000)).ConfigureAwait(false);
                await response.FlushAsync().ConfigureAwait(false);
                break;

            case "/status":
                response.StatusCode = QueryInt(request, "code", 200);
                break;

            default:
                response.StatusCode = 404;
                break;
        }
    }

    public static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    private static void WritePattern(FcgiResponse response, int length)
    {
        byte[] chunk = new byte[8192];
        for (int written = 0; written < length; written += chunk.Length)
        {
            int n = Math.Min(chunk.Length, length - written);
            for (int i = 0; i < n; i++)
            {
                chunk[i] = (byte)((written + i) % 251);
            }

            response.Write(chunk.AsSpan(0, n));
        }
    }

    private static string? Query(FcgiRequest request, string name)
    {
        string query = Encoding.UTF8.GetString(request.QueryString);
        foreach (string part in query.Split('&'))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part.AsSpan(0, equals).SequenceEqual(name))
            {
                return part.Substring(equals + 1);
            }
        }

        return null;
    }

    private static int QueryInt(FcgiRequest request, string name, int fallback) =>
        Query(request, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
