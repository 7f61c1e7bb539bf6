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
    private static Func<FcgiCommandLine, int>? s_run;

    /// <summary>
    /// Runs the application the source generator built from the assembly's
    /// <see cref="FcgiRouteAttribute"/> handlers, configured by <paramref name="args"/> and the
    /// environment (see <c>--help</c>), until SIGTERM or SIGINT. An argument that is not one of the
    /// server's flags fails; an application with flags of its own declares them on an
    /// <see cref="FcgiAppOptions"/> and calls <see cref="Parse(string[], FcgiAppOptions?)"/>, then
    /// <see cref="Run(FcgiCommandLine)"/>.
    /// </summary>
    /// <returns>The process exit code: 0 after a clean stop or <c>--help</c>, 2 for a usage error, 1 for another failure.</returns>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return s_run is null ? NoApplication() : s_run(Parse(args));
    }

    /// <summary>
    /// Runs the application the source generator built, with the options <paramref name="commandLine"/>
    /// holds, until SIGTERM or SIGINT; or, when <see cref="FcgiCommandLine.ShouldExit"/> (after
    /// <c>--help</c> or a usage error, already printed), returns its exit code at once.
    /// </summary>
    /// <param name="commandLine">What <see cref="Parse(string[], FcgiAppOptions?)"/> returned.</param>
    /// <returns>The process exit code: 0 after a clean stop or <c>--help</c>, 2 for a usage error, 1 for another failure.</returns>
    public static int Run(FcgiCommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        return s_run is null ? NoApplication() : s_run(commandLine);
    }

    /// <summary>Runs <typeparamref name="TApplication"/>, configured by <paramref name="args"/> and the environment, until SIGTERM or SIGINT.</summary>
    /// <returns>The process exit code: 0 after a clean stop or <c>--help</c>, 2 for a usage error, 1 for another failure.</returns>
    public static int Run<TApplication>(string[] args)
        where TApplication : IFcgiApplication
    {
        ArgumentNullException.ThrowIfNull(args);
        return Run<TApplication>(Parse(args));
    }

    /// <summary>
    /// Runs <typeparamref name="TApplication"/> with the options <paramref name="commandLine"/> holds,
    /// until SIGTERM or SIGINT; or returns its exit code at once when it says to exit.
    /// </summary>
    /// <param name="commandLine">What <see cref="Parse(string[], FcgiAppOptions?)"/> returned.</param>
    /// <returns>The process exit code: 0 after a clean stop or <c>--help</c>, 2 for a usage error, 1 for another failure.</returns>
    public static int Run<TApplication>(FcgiCommandLine commandLine)
        where TApplication : IFcgiApplication =>
        Run<TApplication>(commandLine, stopRequested: null);

    /// <summary>
    /// Reads the server's flags and the application's own options from <paramref name="args"/> and
    /// the environment, before anything is served. On <c>--help</c> it prints the server's usage
    /// and the application's options and the result says to exit with 0; on a bad or unknown
    /// argument it prints <c>fastcgi: …</c> and <c>Try --help.</c> on standard error and the result
    /// says to exit with 2. Otherwise the values of <paramref name="appOptions"/> can be read
    /// (open the database now), and <see cref="Run(FcgiCommandLine)"/> serves.
    /// </summary>
    /// <param name="args">The process's arguments.</param>
    /// <param name="appOptions">The application's declared options; null when it has none.</param>
    /// <returns>The parsed command line; check <see cref="FcgiCommandLine.ShouldExit"/> first.</returns>
    public static FcgiCommandLine Parse(string[] args, FcgiAppOptions? appOptions = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        return FcgiCommandLine.Parse(args, appOptions, Environment.GetEnvironmentVariable, Internal.StandardStreams.Output, Internal.StandardStreams.Error);
    }

    /// <summary>Serves until SIGTERM, SIGINT or, for tests, <paramref name="stopRequested"/>.</summary>
    internal static int Run<TApplication>(FcgiCommandLine commandLine, Task? stopRequested)
        where TApplication : IFcgiApplication
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (commandLine.ShouldExit)
        {
            return commandLine.ExitCode;
        }

        PrepareRuntime();
        FcgiServerOptions options = commandLine.ServerOptions;
        try
        {
            if (options.UnixSocketPath is null && options.TcpEndPoint is null && options.ListenSocket is null)
            {
                if ((FcgiListeners.TryAdoptSystemdSocket() ?? FcgiListeners.TryAdoptListeningSocket(FcgiConstants.ListenSocketFileNumber)) is { } inherited)
                {
                    options.ListenSocket = inherited;
                }
                else if (Environment.GetEnvironmentVariable("GATEWAY_INTERFACE") is { Length: > 0 })
                {
                    using Stream input = Internal.StandardStreams.OpenInput();
                    using Stream output = Internal.StandardStreams.OpenOutput();
                    return FcgiCgiMode.Run<TApplication>(options, input, output);
                }
            }

            // Signals first: a SIGTERM that arrives once the socket accepts must already stop
            // gracefully (exit 0, socket file removed), not kill the process.
            var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            FcgiServerInstance server = Start<TApplication>(options, out string description);
            Log(options, $"fastcgi: listening on {description} (pid {Environment.ProcessId})");
            _ = StopWhenRequestedAsync(stopRequested is null ? signalled.Task : Task.WhenAny(signalled.Task, stopRequested), server);
            server.Completion.GetAwaiter().GetResult();
            Log(options, "fastcgi: stopped");
            return 0;

            void Stop(PosixSignalContext context)
            {
                // Keep the process alive: it exits once the graceful stop completes.
                context.Cancel = true;
                signalled.TrySetResult();
            }
        }
        catch (FcgiStartupException exception)
        {
            if (exception.ExitCode == 2)
            {
                FcgiCommandLine.WriteUsageError(commandLine.Error, exception.Message);
            }
            else
            {
                commandLine.Error.WriteLine($"fastcgi: {exception.Message}");
                commandLine.Error.Flush();
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
        where TApplication : IFcgiApplication => s_run = static commandLine => Run<TApplication>(commandLine);

    private static int NoApplication()
    {
        Internal.StandardStreams.Error.WriteLine("fastcgi: no application: the assembly declares no [FcgiRoute] handlers, or the FastCgi.Aot source generator did not run (reference the FastCgi.Aot package, or call FcgiServer.Run<TApplication>(args) with a hand-written IFcgiApplication).");
        return 1;
    }

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
