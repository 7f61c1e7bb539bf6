using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot;

/// <summary>
/// The command line and environment, parsed: the server's <see cref="ServerOptions"/> and the
/// application's <see cref="FcgiAppOptions"/> filled in, or, after <c>--help</c> or a usage error
/// (already printed), the exit code to return. Made by
/// <see cref="FcgiServer.Parse(string[], FcgiAppOptions?)"/>; served by
/// <see cref="FcgiServer.Run(FcgiCommandLine)"/>.
/// </summary>
public sealed class FcgiCommandLine
{
    internal const string Usage = """
        Usage: APP [options]

        Serves FastCGI requests. Where it listens is chosen from the flags, then the
        environment, then what the process inherited:
          --socket PATH                  listen on a Unix socket (env FCGI_SOCKET)
          --socket-mode MODE             octal permissions of the socket file (default 0660)
          --socket-group GROUP           group of the socket file, a name or a numeric id (e.g. www-data)
          --tcp HOST:PORT                listen on TCP, e.g. 127.0.0.1:9000 or [::1]:9000 (env FCGI_TCP)
          (none)                         a socket passed by systemd (LISTEN_FDS, LISTEN_PID), or a
                                         listening socket on descriptor 0 (spawn-fcgi, lighttpd
                                         bin-path, mod_fcgid); with neither and GATEWAY_INTERFACE
                                         set, serve one request as a CGI program and exit

        Limits:
          --max-connections N            connections served at once (default 1024; FCGI_MAX_CONNS)
          --max-requests N               requests active at once in the process (default 4096; FCGI_MAX_REQS)
          --max-requests-per-connection N  requests multiplexed on one connection (default 16)
          --max-params-bytes N           PARAMS bytes per request, past it 431 (default 65536)
          --max-body-bytes N             request body bytes, past it 413 (default 33554432)
          --spool-threshold-bytes N      body bytes kept in memory; past it the body (or a form's
                                         files) goes to a temporary file (default 1048576)
          --temp-dir PATH                where those files go (default $TMPDIR, else /tmp)
          --max-spool-bytes N            bytes all those files may hold at once; past it 507
                                         (default 1073741824)
          --max-body-memory-bytes N      bytes all bodies below the threshold may hold in memory
                                         at once; past it bodies go to files; their buffers are
                                         kept for reuse up to as much (default 8388608)
          --max-pooled-buffer-bytes N    bytes of other large buffers (responses that grew) kept
                                         for reuse once their requests ended; past it they go to
                                         the GC, and unused ones after 30 s (default 4194304;
                                         0 = keep none)
          --max-form-fields N            fields and file parts of one form, past it 413 (default 1024)
          --idle-timeout SECONDS         close a connection idle this long (default 120)
          --read-timeout SECONDS         close a connection stalled mid-request this long (default 30)
          --request-timeout SECONDS      cancel a handler running this long and answer 504 (default 60)
          --shutdown-timeout SECONDS     on SIGTERM/SIGINT, wait this long for requests (default 10)
          --max-response-buffer-bytes N  response bytes a handler may buffer unsent; past it the
                                         write throws and the request gets 500 (default 33554432)
          --backlog N                    listen backlog (default 1024)

        Handlers:
          --blocking-threads N           worker threads for handlers marked Blocking = true
                                         (default 4 per core, at least 8; started on demand)
          --blocking-queue N             requests waiting for a worker; past it 503 (default 256)
          --io-stall-warning MS          log a handler that holds an I/O thread this long, once per
                                         request, with what to do about it (default 200; 0 = off)

        Operations (off unless given):
          --status-path PATH             answer PATH with the server's counters, as text, or as
                                         JSON with ?json or ?format=json (as PHP-FPM pm.status_path)
          --ping-path PATH               answer PATH with "pong" (as PHP-FPM ping.path)
          --slow-request-log SECONDS     log each request running longer than this on stderr, once

        Other:
          --io-engine epoll|sockets      how sockets are driven: the server's own epoll loop (the
                                         default on Linux) or System.Net.Sockets
          --verbose                      log connections and protocol errors on stderr
          -h, --help                     show this help

        Environment:
          FCGI_SOCKET, FCGI_TCP          as --socket and --tcp
          FCGI_WEB_SERVER_ADDRS          comma-separated addresses TCP peers may connect from
        """;

    /// <summary>The server's flags: whether each takes a value, and what it sets. The one list the parser, the name checks of <see cref="FcgiAppOptions"/> and the tests read.</summary>
    private static readonly Dictionary<string, ServerFlag> s_serverFlags = new(StringComparer.Ordinal)
    {
        ["--verbose"] = new(TakesValue: false, static (o, name, value) => o.Verbose = ParseSwitch(name, value)),
        ["--socket"] = new(TakesValue: true, static (o, _, value) => o.UnixSocketPath = value),
        ["--socket-group"] = new(TakesValue: true, static (o, _, value) => o.UnixSocketGroup = value),
        ["--socket-mode"] = new(TakesValue: true, static (o, name, value) => o.UnixSocketMode = ParseMode(name, value!)),
        ["--tcp"] = new(TakesValue: true, static (o, name, value) => o.TcpEndPoint = ParseTcp(name, value!)),
        ["--backlog"] = new(TakesValue: true, static (o, name, value) => o.Backlog = ParseCount(name, value!)),
        ["--max-connections"] = new(TakesValue: true, static (o, name, value) => o.MaxConnections = ParseCount(name, value!)),
        ["--max-requests"] = new(TakesValue: true, static (o, name, value) => o.MaxRequests = ParseCount(name, value!)),
        ["--max-requests-per-connection"] = new(TakesValue: true, static (o, name, value) => o.MaxRequestsPerConnection = ParseCount(name, value!, max: ushort.MaxValue)),
        ["--max-params-bytes"] = new(TakesValue: true, static (o, name, value) => o.MaxParamsBytes = ParseCount(name, value!)),
        ["--max-body-bytes"] = new(TakesValue: true, static (o, name, value) => o.MaxBodyBytes = ParseCount(name, value!, min: 0)),
        ["--idle-timeout"] = new(TakesValue: true, static (o, name, value) => o.IdleTimeout = ParseSeconds(name, value!)),
        ["--read-timeout"] = new(TakesValue: true, static (o, name, value) => o.ReadTimeout = ParseSeconds(name, value!)),
        ["--request-timeout"] = new(TakesValue: true, static (o, name, value) => o.RequestTimeout = ParseSeconds(name, value!)),
        ["--max-response-buffer-bytes"] = new(TakesValue: true, static (o, name, value) => o.MaxResponseBufferBytes = ParseCount(name, value!)),
        ["--status-path"] = new(TakesValue: true, static (o, name, value) => o.StatusPath = ParsePath(name, value!)),
        ["--ping-path"] = new(TakesValue: true, static (o, name, value) => o.PingPath = ParsePath(name, value!)),
        ["--slow-request-log"] = new(TakesValue: true, static (o, name, value) => o.SlowRequestThreshold = ParseSeconds(name, value!)),
        ["--shutdown-timeout"] = new(TakesValue: true, static (o, name, value) => o.ShutdownTimeout = ParseSeconds(name, value!, allowZero: true)),
        ["--spool-threshold-bytes"] = new(TakesValue: true, static (o, name, value) => o.SpoolThresholdBytes = ParseBytes(name, value!)),
        ["--temp-dir"] = new(TakesValue: true, static (o, _, value) => o.TempDirectory = value),
        ["--max-spool-bytes"] = new(TakesValue: true, static (o, name, value) => o.MaxSpoolBytes = ParseBytes(name, value!)),
        ["--max-body-memory-bytes"] = new(TakesValue: true, static (o, name, value) => o.MaxBodyMemoryBytes = ParseBytes(name, value!)),
        ["--max-pooled-buffer-bytes"] = new(TakesValue: true, static (o, name, value) => o.MaxPooledBufferBytes = ParseBytes(name, value!)),
        ["--max-form-fields"] = new(TakesValue: true, static (o, name, value) => o.MaxFormFields = ParseCount(name, value!)),
        ["--blocking-threads"] = new(TakesValue: true, static (o, name, value) => o.BlockingThreads = ParseCount(name, value!, max: 4096)),
        ["--blocking-queue"] = new(TakesValue: true, static (o, name, value) => o.BlockingQueueLength = ParseCount(name, value!)),
        ["--io-stall-warning"] = new(TakesValue: true, static (o, name, value) =>
        {
            int milliseconds = ParseCount(name, value!, min: 0);
            o.IoStallWarning = milliseconds == 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
        }),
        ["--io-engine"] = new(TakesValue: true, static (o, _, value) => o.IoEngine = value switch
        {
            "epoll" => FcgiIoEngine.Epoll,
            "sockets" => FcgiIoEngine.Sockets,
            _ => throw UsageError($"--io-engine must be epoll or sockets, not '{value}'"),
        }),
    };

    /// <summary>The environment variables the server reads itself, which an application's option may not take.</summary>
    private static readonly string[] s_serverEnvironment =
        ["FCGI_SOCKET", "FCGI_TCP", "FCGI_WEB_SERVER_ADDRS", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"];

    /// <summary>The CGI/1.1 request meta-variables (RFC 3875 §4.1), which a CGI server sets per request.</summary>
    private static readonly string[] s_cgiRequestVariables =
    [
        "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED",
        "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
        "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
    ];

    private FcgiCommandLine(FcgiServerOptions serverOptions, int? exitCode, TextWriter error)
    {
        ServerOptions = serverOptions;
        ShouldExit = exitCode is not null;
        ExitCode = exitCode ?? 0;
        Error = error;
    }

    private delegate void ApplyFlag(FcgiServerOptions options, string name, string? value);

    /// <summary>The server's options, parsed from the flags and the environment. Adjust them in code, if need be, before <see cref="FcgiServer.Run(FcgiCommandLine)"/>.</summary>
    public FcgiServerOptions ServerOptions { get; }

    /// <summary>
    /// True when the process should exit with <see cref="ExitCode"/> instead of serving:
    /// <c>--help</c> was given and the help printed, or an argument was bad and the error printed.
    /// </summary>
    public bool ShouldExit { get; }

    /// <summary>When <see cref="ShouldExit"/>: 0 after <c>--help</c>, 2 after a usage error. Otherwise 0.</summary>
    public int ExitCode { get; }

    /// <summary>Where usage errors go: standard error.</summary>
    internal TextWriter Error { get; }

    /// <summary>
    /// Reports a value the application found unusable after parsing (a database that does not
    /// open, a directory that cannot be written), in the words and with the exit code of the
    /// server's own usage errors: <c>fastcgi: MESSAGE</c> and <c>Try --help.</c> on standard error.
    /// </summary>
    /// <param name="message">What is wrong, naming the option: <c>--db /var/lib/notes.db: unable to open database file</c>.</param>
    /// <returns>2, the exit code of a usage error, for <c>return commandLine.Fail(…);</c>.</returns>
    public int Fail(string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        WriteUsageError(Error, message);
        return 2;
    }

    /// <summary>Parses; prints the help or the usage error, if any, and returns what to do.</summary>
    internal static FcgiCommandLine Parse(IReadOnlyList<string> args, FcgiAppOptions? app, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        var options = new FcgiServerOptions();
        try
        {
            if (!TryParse(args, environment, options, app))
            {
                output.WriteLine(HelpText(app));
                output.Flush();
                return new FcgiCommandLine(options, 0, error);
            }

            return new FcgiCommandLine(options, null, error);
        }
        catch (FcgiStartupException exception)
        {
            WriteUsageError(error, exception.Message);
            return new FcgiCommandLine(options, exception.ExitCode, error);
        }
    }

    /// <summary>Writes a usage error as the server always has: the message, then where to look.</summary>
    internal static void WriteUsageError(TextWriter error, string message)
    {
        error.WriteLine($"fastcgi: {message}");
        error.WriteLine("Try --help.");
        error.Flush();
    }

    /// <summary>Parses the flags; throws <see cref="FcgiStartupException"/> (exit code 2) for a bad one.</summary>
    /// <returns>False when help was asked for.</returns>
    internal static bool TryParse(IReadOnlyList<string> args, Func<string, string?> environment, FcgiServerOptions options, FcgiAppOptions? app = null)
    {
        app?.BeginParse();
        args = WithoutSearchWords(args, environment);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg.Substring(0, equals);
                inlineValue = arg.Substring(equals + 1);
            }

            if (name is "-h" or "--help")
            {
                return false;
            }

            if (s_serverFlags.TryGetValue(name, out ServerFlag? flag))
            {
                flag.Apply(options, name, flag.TakesValue ? Value() : inlineValue);
            }
            else if (app?.Find(name) is { } option)
            {
                option.SetFromCommandLine(option.TakesValue ? Value() : inlineValue);
            }
            else
            {
                throw UsageError(arg.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{arg}'");
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count)
                {
                    throw UsageError($"option '{name}' needs a value");
                }

                return args[++i];
            }
        }

        if (options.UnixSocketPath is not null && options.TcpEndPoint is not null)
        {
            throw UsageError("give --socket or --tcp, not both");
        }

        if (options.UnixSocketPath is null && options.TcpEndPoint is null)
        {
            if (environment("FCGI_SOCKET") is { Length: > 0 } socket)
            {
                options.UnixSocketPath = socket;
            }
            else if (environment("FCGI_TCP") is { Length: > 0 } tcp)
            {
                options.TcpEndPoint = ParseTcp("FCGI_TCP", tcp);
            }
        }

        if (environment("FCGI_WEB_SERVER_ADDRS") is { Length: > 0 } addresses)
        {
            foreach (string part in addresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!IPAddress.TryParse(part, out IPAddress? address))
                {
                    throw UsageError($"FCGI_WEB_SERVER_ADDRS holds '{part}', which is not an IP address");
                }

                options.AllowedPeerAddresses.Add(address);
            }
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException exception)
        {
            throw UsageError(exception.Message);
        }

        app?.CompleteParse(environment);
        return true;
    }

    /// <summary>The server's usage, then the application's options in the same columns.</summary>
    internal static string HelpText(FcgiAppOptions? app)
    {
        if (app is null || app.Declared.Count == 0)
        {
            return Usage;
        }

        var text = new StringBuilder(Usage);
        text.Append("\n\nApplication options:");
        foreach (FcgiAppOption option in app.Declared)
        {
            var details = new List<string>(3);
            if (option.DefaultText is not null)
            {
                details.Add("default " + option.DefaultText);
            }

            if (option.IsRequired)
            {
                details.Add("required");
            }

            if (option.EnvironmentVariable is not null)
            {
                details.Add("env " + option.EnvironmentVariable);
            }

            string help = details.Count == 0 ? option.Help : $"{option.Help} ({string.Join("; ", details)})";
            AppendHelpLine(text, option.Placeholder is null ? option.Name : $"{option.Name} {option.Placeholder}", help);
        }

        return text.ToString();
    }

    /// <summary>True for a name the server's parser takes: one of its flags, or <c>-h</c> and <c>--help</c>.</summary>
    internal static bool IsServerFlag(string name) => s_serverFlags.ContainsKey(name) || name is "-h" or "--help";

    /// <summary>The server's flags, for tests that hold them against the usage text.</summary>
    internal static IEnumerable<string> ServerFlagNames => s_serverFlags.Keys;

    internal static bool IsServerEnvironmentVariable(string name) => Array.IndexOf(s_serverEnvironment, name) >= 0;

    internal static bool IsCgiRequestVariable(string name) =>
        name.StartsWith("HTTP_", StringComparison.Ordinal) || Array.IndexOf(s_cgiRequestVariables, name) >= 0;

    internal static FcgiStartupException UsageError(string message) => new(message, 2);

    /// <summary>What <see cref="TryParseSwitch"/> accepts, for error messages.</summary>
    internal const string SwitchValues = "1, true, yes, on, 0, false, no or off";

    /// <summary>Reads an on/off value as a flag's <c>--flag=VALUE</c> or its environment variable gives it.</summary>
    internal static bool TryParseSwitch(string text, out bool value)
    {
        switch (text.ToUpperInvariant())
        {
            case "1" or "TRUE" or "YES" or "ON":
                value = true;
                return true;
            case "0" or "FALSE" or "NO" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Reads a number of seconds with an optional fraction, the way every timeout flag does.</summary>
    internal static bool TryParseSeconds(string text, bool allowZero, out TimeSpan value)
    {
        value = default;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) ||
            seconds < 0 || (seconds == 0 && !allowZero) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>
    /// Drops the arguments a CGI server made from the client's query string. RFC 3875 §4.4: when
    /// QUERY_STRING holds no '=', a server may pass its '+'-separated words, decoded, as the
    /// script's arguments; Apache's mod_cgi and mod_cgid do, after the script's own, each shell
    /// metacharacter escaped with a backslash. Parsed as flags, <c>?--db+/tmp/x</c> would let any
    /// client choose the database, the hole php-cgi had (CVE-2012-1823); and <c>?search</c> would
    /// end the request as a usage error. So trailing arguments equal to those words are ignored.
    /// </summary>
    internal static IReadOnlyList<string> WithoutSearchWords(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        if (args.Count == 0 ||
            environment("GATEWAY_INTERFACE") is not { Length: > 0 } ||
            environment("QUERY_STRING") is not { Length: > 0 } query ||
            query.Contains('=', StringComparison.Ordinal))
        {
            return args;
        }

        var words = new List<string>();
        foreach (string word in query.Split('+'))
        {
            if (word.Length > 0)
            {
                // Percent-decoded as the query binders decode (System.Uri would link its parser for this).
                words.Add(FcgiBinding.GetString(System.Text.Encoding.UTF8.GetBytes(word), FcgiValueEncoding.Path));
            }
        }

        int start = args.Count - words.Count;
        if (words.Count == 0 || start < 0)
        {
            return args;
        }

        for (int i = 0; i < words.Count; i++)
        {
            if (!string.Equals(args[start + i].Replace("\\", "", StringComparison.Ordinal), words[i].Replace("\\", "", StringComparison.Ordinal), StringComparison.Ordinal))
            {
                return args;
            }
        }

        var kept = new string[start];
        for (int i = 0; i < start; i++)
        {
            kept[i] = args[i];
        }

        return kept;
    }

    /// <summary>Writes one option as the usage text does: two spaces, the flag padded to column 33, the help wrapped under itself.</summary>
    private static void AppendHelpLine(StringBuilder text, string flag, string help)
    {
        const int Column = 33;
        const int Width = 100;
        text.Append("\n  ").Append(flag);
        int position = 2 + flag.Length;
        if (position <= Column - 2)
        {
            text.Append(' ', Column - position);
            position = Column;
        }
        else
        {
            text.Append("  ");
            position += 2;
        }

        bool first = true;
        foreach (string word in help.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!first && position + 1 + word.Length > Width)
            {
                text.Append('\n').Append(' ', Column);
                position = Column;
                first = true;
            }

            if (!first)
            {
                text.Append(' ');
                position++;
            }

            text.Append(word);
            position += word.Length;
            first = false;
        }
    }

    private static bool ParseSwitch(string name, string? value)
    {
        if (value is null)
        {
            return true;
        }

        return TryParseSwitch(value, out bool on) ? on : throw UsageError($"option '{name}' needs {SwitchValues}, not '{value}'");
    }

    private static int ParseCount(string name, string value, int min = 1, int max = int.MaxValue)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result) || result < min || result > max)
        {
            throw UsageError($"option '{name}' needs a whole number from {min} to {max}, not '{value}'");
        }

        return result;
    }

    private static long ParseBytes(string name, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long result)
            ? result
            : throw UsageError($"option '{name}' needs a number of bytes, not '{value}'");

    private static TimeSpan ParseSeconds(string name, string value, bool allowZero = false) =>
        TryParseSeconds(value, allowZero, out TimeSpan result)
            ? result
            : throw UsageError($"option '{name}' needs a number of seconds{(allowZero ? "" : " above 0")}, not '{value}'");

    private static string ParsePath(string name, string value)
    {
        if (!FcgiServerOptions.IsOperationsPath(value))
        {
            throw UsageError($"option '{name}' needs a path such as /status, not '{value}'");
        }

        return value;
    }

    private static UnixFileMode ParseMode(string name, string value)
    {
        int mode = 0;
        foreach (char c in value)
        {
            if (c is < '0' or > '7')
            {
                mode = -1;
                break;
            }

            mode = (mode * 8) + (c - '0');
        }

        if (value.Length is 0 or > 4 || mode is < 0 or > 0x1FF)
        {
            throw UsageError($"option '{name}' needs an octal mode such as 0660, not '{value}'");
        }

        return (UnixFileMode)mode;
    }

    private static IPEndPoint ParseTcp(string name, string value) =>
        FcgiListeners.TryParseTcp(value, out IPEndPoint? endPoint)
            ? endPoint!
            : throw UsageError($"'{name}' needs HOST:PORT such as 127.0.0.1:9000 or [::1]:9000, not '{value}'");

    /// <summary>One server flag: whether it takes a value, and what it sets.</summary>
    private sealed record ServerFlag(bool TakesValue, ApplyFlag Apply);
}
