using System.IO;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A web application as a user writes one, outside the repository, from the packed package: the
/// handlers the request-lifecycle and web-basics tests need through real web servers. Published
/// once per test run (NativeAOT, static) and shared by those tests.
/// </summary>
internal static class WebApp
{
    public const string Program = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;
        using FastCgi.Aot;

        return FcgiServer.Run(args);

        static class Routes
        {
            private static readonly ConcurrentDictionary<string, ManualResetEventSlim> s_gates = new();
            private static readonly ConcurrentDictionary<string, Barrier> s_barriers = new();

            private static ManualResetEventSlim Gate(string key) => s_gates.GetOrAdd(key, _ => new ManualResetEventSlim());

            [FcgiRoute("/hello")]
            public static string Hello() => "hello";

            // Blocks the I/O thread it runs on: what Blocking = true is for, and the timeout race.
            // FCGI027 says so at compile time; here it is the point.
            [FcgiRoute("/sleep")]
            public static string Sleep(int ms)
            {
        #pragma warning disable FCGI027
                Thread.Sleep(ms);
        #pragma warning restore FCGI027
                return "slept " + ms;
            }

            [FcgiRoute("/blocking/wait", Blocking = true)]
            public static string Wait(string key)
            {
                Gate(key).Wait(TimeSpan.FromSeconds(60));
                return Thread.CurrentThread.Name ?? "(unnamed)";
            }

            [FcgiRoute("/gate/open")]
            public static string Open(string key)
            {
                Gate(key).Set();
                return "open";
            }

            // Half a megabyte goes out, then the handler fails: the client must see a cut-off response.
            [FcgiRoute("/fail-mid")]
            public static async ValueTask FailMid(FcgiResponse response)
            {
                response.ContentType = "application/octet-stream";
                await response.WriteAsync(new byte[512 * 1024]);
                await response.FlushAsync();
                throw new InvalidOperationException("failed mid-response");
            }

            // Answers only when n requests are inside at once: every one must be let in.
            [FcgiRoute("/barrier")]
            public static async ValueTask<string> Barrier(string key, int n, CancellationToken aborted)
            {
                Barrier barrier = s_barriers.GetOrAdd(key, _ => new Barrier(n));
                await barrier.ArriveAsync(TimeSpan.FromSeconds(30), aborted);
                return "through";
            }
        }

        sealed class Barrier(int count)
        {
            private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private int _inside;

            public Task ArriveAsync(TimeSpan timeout, CancellationToken aborted)
            {
                if (Interlocked.Increment(ref _inside) >= count)
                {
                    _all.TrySetResult();
                }

                return _all.Task.WaitAsync(timeout, aborted);
            }
        }
        """;

    /// <summary>The published executable, built on first use.</summary>
    public static string Executable(SampleFixture fixture)
    {
        PublishResult result = fixture.PublishOnce("WebApp linux-x64", () => PackagedApp.Create(fixture, "WebApp", Program).Publish(fixture, "linux-x64"));
        Assert.True(result.ExitCode == 0, $"dotnet publish of WebApp failed:\n{result.Log}");
        Assert.True(File.Exists(result.Executable));
        return result.Executable;
    }

    public static AppCommand Command(SampleFixture fixture) => AppCommand.Native("WebApp", Executable(fixture));
}
