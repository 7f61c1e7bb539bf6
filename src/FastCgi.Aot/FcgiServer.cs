using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot;

/// <summary>The entry point of a FastCGI application.</summary>
public static class FcgiServer
{
    private static Func<string[], int>? s_run;

    /// <summary>
    /// Runs the application the source generator built from the assembly's
    /// <see cref="FcgiRouteAttribute"/> handlers, configured by <paramref name="args"/> and the
    /// environment (see <c>--help</c>), until SIGTERM or SIGINT.
    /// </summary>
    /// <returns>The process exit code: 0 after a clean stop, 2 for a usage error, 1 for another failure.</returns>
    public static int Run(string[] args)
    {
        if (s_run is null)
        {
            Console.Error.WriteLine("fastcgi: no application: the assembly declares no [FcgiRoute] handlers, or the FastCgi.Aot source generator did not run (reference the FastCgi.Aot package, or call FcgiServer.Run<TApplication>(args) with a hand-written IFcgiApplication).");
            return 1;
        }

        return s_run(args);
    }

    /// <summary>Runs <typeparamref name="TApplication"/>, configured by <paramref name="args"/> and the environment, until SIGTERM or SIGINT.</summary>
    /// <returns>The process exit code: 0 after a clean stop, 2 for a usage error, 1 for another failure.</returns>
    public static int Run<TApplication>(string[] args)
        where TApplication : IFcgiApplication
    {
        ArgumentNullException.ThrowIfNull(args);
        PrepareRuntime();
        var options = new FcgiServerOptions();
        try
        {
            if (!FcgiCommandLine.TryParse(args, Environment.GetEnvironmentVariable, options))
            {
                Console.Out.WriteLine(FcgiCommandLine.Usage);
                return 0;
            }

            if (options.UnixSocketPath is null && options.TcpEndPoint is null)
            {
                if ((FcgiListeners.TryAdoptSystemdSocket() ?? FcgiListeners.TryAdoptListeningSocket(FcgiConstants.ListenSocketFileNumber)) is { } inherited)
                {
                    options.ListenSocket = inherited;
                }
                else if (Environment.GetEnvironmentVariable("GATEWAY_INTERFACE") is { Length: > 0 })
                {
                    using Stream input = Console.OpenStandardInput();
                    using Stream output = Console.OpenStandardOutput();
                    return FcgiCgiMode.Run<TApplication>(options, input, output);
                }
            }

            // Signals first: a SIGTERM that arrives once the socket accepts must already stop
            // gracefully (exit 0, socket file removed), not kill the process.
            var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            FcgiServerInstance server = Start<TApplication>(options, out string description);
            Log(options, $"fastcgi: listening on {description} (pid {Environment.ProcessId})");
            _ = StopWhenRequestedAsync(stopRequested.Task, server);
            server.Completion.GetAwaiter().GetResult();
            Log(options, "fastcgi: stopped");
            return 0;

            void Stop(PosixSignalContext context)
            {
                // Keep the process alive: it exits once the graceful stop completes.
                context.Cancel = true;
                stopRequested.TrySetResult();
            }
        }
        catch (FcgiStartupException exception)
        {
            Console.Error.WriteLine($"fastcgi: {exception.Message}");
            if (exception.ExitCode == 2)
            {
                Console.Error.WriteLine("Try --help.");
            }

            return exception.ExitCode;
        }
    }

    /// <summary>Starts serving <typeparamref name="TApplication"/> in this process with the given options, for hosting and tests.</summary>
    /// <exception cref="FcgiStartupException">The listen address is unusable.</exception>
    public static FcgiServerInstance Start<TApplication>(FcgiServerOptions options)
        where TApplication : IFcgiApplication => Start<TApplication>(options, out _);

    /// <summary>Called by the code the source generator emits, from a module initializer, so that <see cref="Run(string[])"/> finds the application.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterApplication<TApplication>()
        where TApplication : IFcgiApplication => s_run = static args => Run<TApplication>(args);

    private static async Task StopWhenRequestedAsync(Task stopRequested, FcgiServerInstance server)
    {
        await stopRequested.ConfigureAwait(false);
        await server.StopAsync().ConfigureAwait(false);
    }

    private static FcgiServerInstance Start<TApplication>(FcgiServerOptions options, out string description)
        where TApplication : IFcgiApplication
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PrepareRuntime();
        System.Net.Sockets.Socket socket = FcgiListeners.Listen(options, out bool owns, out string? socketFile, out description);
        if (FcgiSecurityWarnings.ForListener(socket.LocalEndPoint, options) is { } warning)
        {
            Log(options, warning);
        }

        return new FcgiHost<TApplication>(options, socket, owns, socketFile);
    }

    /// <summary>
    /// Runs System.Net.Sockets continuations (the accept loop, and connections under
    /// <see cref="FcgiIoEngine.Sockets"/>) on the thread that saw the socket ready, unless the user
    /// chose otherwise: measured here, the thread-pool hop it removes cost four fifths of the CPU
    /// per request (DESIGN.md). The epoll engine does the same on its own threads. The runtime
    /// reads the variable when the first socket is created.
    /// </summary>
    private static void PrepareRuntime()
    {
        const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }

    private static void Log(FcgiServerOptions options, string message)
    {
        try
        {
            options.Log.WriteLine(message);
            options.Log.Flush();
        }
        catch (IOException)
        {
            // Descriptor 2 may be closed when a web server spawned us (FastCGI 1.0 §2.2).
        }
    }
}
