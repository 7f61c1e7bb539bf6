using System;
using System.Runtime.CompilerServices;

namespace FastCgi.Aot.Tests;

internal static class TestProcessSetup
{
    /// <summary>
    /// Runs socket continuations on the thread pool in this test process. The server turns inline
    /// completions on for a real executable (FcgiServer.PrepareRuntime), where only its own
    /// non-blocking code runs on the socket event threads. Here test code shares the process: an
    /// `await` on a socket would continue on an event thread, and a blocking test read there
    /// would stall every connection on that thread until it times out. The published executable's
    /// inline mode is exercised by the end-to-end tests.
    /// </summary>
    [ModuleInitializer]
    internal static void UseThreadPoolSocketContinuations() =>
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "0");
}
