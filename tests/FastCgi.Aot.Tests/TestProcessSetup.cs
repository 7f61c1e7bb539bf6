using System;
using System.Runtime.CompilerServices;

namespace FastCgi.Aot.Tests;

internal static class TestProcessSetup
{
    /// <summary>
    /// Runs System.Net.Sockets continuations on the thread pool in this test process. The server
    /// turns inline completions on for a real executable (FcgiServer.PrepareRuntime), where only
    /// its own non-blocking code runs on the socket event threads. Here test code shares the
    /// process: an `await` on a test client's socket would continue on an event thread, and a
    /// blocking test read there would stall every connection on that thread until it times out.
    /// This touches only System.Net.Sockets (the test clients, and servers started with
    /// FcgiIoEngine.Sockets); the server's default epoll engine runs its continuations on its own
    /// threads here as in the executable. The executable's inline mode is exercised end to end.
    /// </summary>
    [ModuleInitializer]
    internal static void UseThreadPoolSocketContinuations() =>
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "0");
}
