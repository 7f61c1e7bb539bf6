using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// Issue 5: requests from a client that keeps sending while the app is stopped with SIGTERM and
/// started again on an inherited socket lose nothing.
/// </summary>
/// <remarks>
/// The test owns the listening socket, as systemd or spawn-fcgi's parent would, so it outlives
/// both application processes: connections made while no application runs wait in its backlog.
/// <see cref="Process"/> cannot pass a descriptor, so the test dup(2)s the socket (the copy is
/// inheritable, unlike .NET's own descriptors) and starts <c>/bin/bash -c 'exec APP 0&lt;&amp;N'</c>
/// which puts it on descriptor 0 as spawn-fcgi and lighttpd do. systemd-socket-activate would
/// not do: its socket dies with the one application it execs. bash (essential in Debian), not
/// dash: dash takes only descriptors 0-9 in a redirection, and the copy is usually above 9.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class RestartTests(SampleFixture fixture)
{
    private const int Clients = 4;

    [EndToEndFact]
    public async Task Requests_through_nginx_lose_nothing_while_the_app_restarts_on_its_inherited_socket()
    {
        using var servers = new ServerSet(fixture, "restart-nginx");
        using Socket listener = Listen(servers.Path("app.sock"));
        await servers.VerifyAsync(async () =>
        {
            int port = await servers.StartNginxAsync(servers.Path("app.sock")).ConfigureAwait(false);
            var clients = Enumerable.Range(0, Clients).Select(_ => ServerSet.HttpClient(port)).ToArray();
            try
            {
                await RestartUnderLoadAsync(servers, listener, async (client, i) =>
                {
                    string expected = (client + i).ToString(CultureInfo.InvariantCulture);
                    await SampleContract.AssertAnswerAsync(clients[client], $"/add?a={client}&b={i}", HttpStatusCode.OK, SampleContract.PlainText, expected).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            finally
            {
                Array.ForEach(clients, c => c.Dispose());
            }
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Requests_sent_directly_on_new_connections_lose_nothing_while_the_app_restarts_on_its_inherited_socket()
    {
        using var servers = new ServerSet(fixture, "restart-direct");
        string path = servers.Path("app.sock");
        using Socket listener = Listen(path);
        await servers.VerifyAsync(() => RestartUnderLoadAsync(servers, listener, async (client, i) =>
        {
            CgiResponse response = await FcgiTestClient.GetAsync(path, $"/add?a={client}&b={i}").ConfigureAwait(false);
            Assert.Equal(200, response.Status);
            Assert.Equal((client + i).ToString(CultureInfo.InvariantCulture), response.BodyText);
        })).ConfigureAwait(false);
    }

    private static Socket Listen(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(512);
        return listener;
    }

    private async Task RestartUnderLoadAsync(ServerSet servers, Socket listener, Func<int, int, Task> request)
    {
        ChildProcess first = StartOnInheritedSocket(servers, listener, "HelloFcgi (first)");
        var served = new ConcurrentQueue<(long Start, long End)>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        Task[] loops = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    // A lost request would hang: give each one a deadline.
                    await request(client, i).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
                    served.Enqueue((start, Stopwatch.GetTimestamp()));
                }
                catch (Exception exception)
                {
                    failures.Enqueue($"client {client} request {i}: {exception.GetType().Name}: {exception.Message}");
                }
            }
        })).ToArray();

        try
        {
            await WaitForAsync(() => served.Count >= 300 || !failures.IsEmpty || first.HasExited, "300 requests to the first process").ConfigureAwait(false);
            Assert.False(first.HasExited, "the first process exited on its own");
            long signalled = Stopwatch.GetTimestamp();
            first.Signal(Native.SIGTERM);
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(15)), "the first process did not stop within 15 s of SIGTERM");
            Assert.Equal(0, first.ExitCode);
            long exited = Stopwatch.GetTimestamp();

            // Clients keep sending; their connections wait in the backlog of the socket the test holds.
            await Task.Delay(300).ConfigureAwait(false);
            long restarted = Stopwatch.GetTimestamp();
            ChildProcess second = StartOnInheritedSocket(servers, listener, "HelloFcgi (second)");
            await WaitForAsync(() => served.Count(r => r.Start > restarted) >= 300 || !failures.IsEmpty || second.HasExited, "300 requests to the second process").ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);

            Assert.True(failures.IsEmpty, $"{failures.Count} of {failures.Count + served.Count} requests failed:\n{string.Join('\n', failures.Take(20))}");
            Assert.True(served.Count(r => r.End < signalled) > 0, "the first process served nothing before SIGTERM");
            Assert.True(served.Count(r => r.Start < exited && r.End > restarted) > 0, "no request waited in the backlog from the first process to the second");
            Assert.True(served.Count(r => r.Start > exited) > 0, "the second process served nothing");
            Assert.False(second.HasExited, "the second process stopped");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the sample with a copy of <paramref name="listener"/> as its descriptor 0.</summary>
    private ChildProcess StartOnInheritedSocket(ServerSet servers, Socket listener, string name)
    {
        int copy = Descriptors.dup((int)listener.Handle);
        if (copy < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "dup of the listening socket failed");
        }

        try
        {
            string script = string.Create(CultureInfo.InvariantCulture, $"exec \"$0\" 0<&{copy} {copy}<&-");
            return servers.Add(ChildProcess.Start(name, "/bin/bash", ["-c", script, fixture.Sample.Executable]));
        }
        finally
        {
            Descriptors.close(copy);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"no {what} within 30 s");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    private static class Descriptors
    {
        /// <summary>dup(2): the copy does not have FD_CLOEXEC, so a child process inherits it.</summary>
        [DllImport("libc", SetLastError = true)]
        public static extern int dup(int descriptor);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int descriptor);
    }
}
