using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>
/// A hand-written application for the hosting tests. Routes on the path; state a test must
/// observe is keyed by the request's <c>key</c> query value, so tests never share it.
/// </summary>
internal sealed class TestApplication : IFcgiApplication
{
    private static readonly ConcurrentDictionary<string, Probe> s_probes = new();

    /// <summary>What a /wait request saw; tests look it up by key.</summary>
    public sealed class Probe
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public static Probe ProbeFor(string key) => s_probes.GetOrAdd(key, _ => new Probe());

    public static async ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        if (request.Role == FcgiRole.Authorizer)
        {
            Authorize(request, response);
            return;
        }

        if (request.Role == FcgiRole.Filter)
        {
            Filter(request, response);
            return;
        }

        ReadOnlySpan<byte> path = request.Path;
        if (path.SequenceEqual("/hello"u8))
        {
            response.ContentType = "text/plain";
            response.Write("Hello, world!\n"u8);
        }
        else if (path.SequenceEqual("/echo"u8))
        {
            if (request.TryGetParam("CONTENT_TYPE"u8, out ReadOnlySpan<byte> type))
            {
                response.ContentType = Encoding.UTF8.GetString(type);
            }

            response.Write(request.Body);
        }
        else if (path.SequenceEqual("/slow"u8))
        {
            int ms = QueryInt(request, "ms", 100);
            if (Query(request, "key") is { } key)
            {
                ProbeFor(key).Started.TrySetResult();
            }

            await Task.Delay(ms, request.Aborted).ConfigureAwait(false);
            response.ContentType = "text/plain";
            response.Write(string.Create(CultureInfo.InvariantCulture, $"slept {ms}\n"));
        }
        else if (path.SequenceEqual("/wait"u8))
        {
            Probe probe = ProbeFor(Query(request, "key") ?? "");
            probe.Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, request.Aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                probe.Cancelled.TrySetResult();
            }

            // The request was aborted: everything from here on must be dropped by the server.
            response.ContentType = "text/plain";
            response.Write("written after the abort\n"u8);
            await response.WriteAsync(new byte[100_000]).ConfigureAwait(false);
            await response.FlushAsync().ConfigureAwait(false);
            response.WriteError("stderr after the abort");
            probe.Finished.TrySetResult();
        }
        else if (path.SequenceEqual("/ignore-abort"u8))
        {
            // Runs past its deadline without looking at the token, then answers.
            Probe probe = ProbeFor(Query(request, "key") ?? "");
            probe.Started.TrySetResult();
            await probe.Cancelled.Task.ConfigureAwait(false);
            response.Write("late answer\n"u8);
            probe.Finished.TrySetResult();
        }
        else if (path.SequenceEqual("/yield"u8))
        {
            // Completes asynchronously, on another thread than the connection's receive loop.
            await Task.Yield();
            response.Write("yielded\n"u8);
        }
        else if (path.SequenceEqual("/throw"u8))
        {
            throw new InvalidOperationException("boom from /throw");
        }
        else if (path.SequenceEqual("/throw-async"u8))
        {
            await Task.Yield();
            throw new InvalidOperationException("boom from /throw-async");
        }
        else if (path.SequenceEqual("/big"u8))
        {
            int bytes = QueryInt(request, "bytes", 1_000_000);
            response.ContentType = "application/octet-stream";
            byte[] chunk = new byte[8192];
            int written = 0;
            while (written < bytes)
            {
                int n = Math.Min(chunk.Length, bytes - written);
                for (int i = 0; i < n; i++)
                {
                    chunk[i] = (byte)((written + i) % 251);
                }

                await response.WriteAsync(chunk.AsMemory(0, n), request.Aborted).ConfigureAwait(false);
                written += n;
            }
        }
        else if (path.SequenceEqual("/big-sync"u8))
        {
            // Synchronous writes past the response buffer: the server must flush without async.
            int bytes = QueryInt(request, "bytes", 1_000_000);
            response.ContentType = "application/octet-stream";
            byte[] chunk = new byte[8192];
            for (int written = 0; written < bytes; written += chunk.Length)
            {
                int n = Math.Min(chunk.Length, bytes - written);
                for (int i = 0; i < n; i++)
                {
                    chunk[i] = (byte)((written + i) % 251);
                }

                response.Write(chunk.AsSpan(0, n));
            }
        }
        else if (path.SequenceEqual("/params"u8))
        {
            response.ContentType = "text/plain";
            foreach (FcgiParam param in request.Params)
            {
                response.Write(param.Name);
                response.Write("="u8);
                response.Write(param.Value);
                response.Write("\n"u8);
            }
        }
        else if (path.SequenceEqual("/thread"u8))
        {
            // The name of the thread the handler runs on.
            response.ContentType = "text/plain";
            response.Write(Thread.CurrentThread.Name ?? "(unnamed)");
        }
        else
        {
            response.StatusCode = 404;
            response.Write("not found\n"u8);
        }
    }

    /// <summary>Authorizes when HTTP_AUTHORIZATION is "letmein" and hands a user name on.</summary>
    private static void Authorize(FcgiRequest request, FcgiResponse response)
    {
        if (request.TryGetParam("HTTP_AUTHORIZATION"u8, out ReadOnlySpan<byte> token) && token.SequenceEqual("letmein"u8))
        {
            response.AddHeader("Variable-REMOTE_USER", "alice");
            response.AddHeader("Variable-AUTH_METHOD", "token");
            return;
        }

        response.StatusCode = 403;
        response.ContentType = "text/plain";
        response.Write("denied\n"u8);
    }

    /// <summary>Upper-cases the DATA stream and reports what it was told about it.</summary>
    private static void Filter(FcgiRequest request, FcgiResponse response)
    {
        response.ContentType = "text/plain";
        response.AddHeader("X-Data-Length", Encoding.ASCII.GetString(request.GetParam("FCGI_DATA_LENGTH"u8)));
        response.AddHeader("X-Data-Last-Mod", Encoding.ASCII.GetString(request.GetParam("FCGI_DATA_LAST_MOD"u8)));
        response.AddHeader("X-Stdin", Encoding.UTF8.GetString(request.Body));
        response.Write(Encoding.UTF8.GetString(request.Data).ToUpperInvariant());
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
