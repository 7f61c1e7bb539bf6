using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;

namespace FastCgi.Aot.Hosting;

/// <summary>Reads the server's flags and environment variables into <see cref="FcgiServerOptions"/>.</summary>
internal static class FcgiCommandLine
{
    public const string Usage = """
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

    /// <summary>Parses the flags; throws <see cref="FcgiStartupException"/> (exit code 2) for a bad one.</summary>
    /// <returns>False when help was asked for.</returns>
    public static bool TryParse(IReadOnlyList<string> args, Func<string, string?> environment, FcgiServerOptions options)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg.Substring(0, equals);
                inlineValue = arg.Substring(equals + 1);
            }

            switch (name)
            {
                case "-h":
                case "--help":
                    return false;
                case "--verbose":
                    options.Verbose = true;
                    break;
                case "--socket":
                    options.UnixSocketPath = Value();
                    break;
                case "--socket-group":
                    options.UnixSocketGroup = Value();
                    break;
                case "--socket-mode":
                    options.UnixSocketMode = ParseMode(name, Value());
                    break;
                case "--tcp":
                    options.TcpEndPoint = ParseTcp(name, Value());
                    break;
                case "--backlog":
                    options.Backlog = ParseCount(name, Value());
                    break;
                case "--max-connections":
                    options.MaxConnections = ParseCount(name, Value());
                    break;
                case "--max-requests":
                    options.MaxRequests = ParseCount(name, Value());
                    break;
                case "--max-requests-per-connection":
                    options.MaxRequestsPerConnection = ParseCount(name, Value(), max: ushort.MaxValue);
                    break;
                case "--max-params-bytes":
                    options.MaxParamsBytes = ParseCount(name, Value());
                    break;
                case "--max-body-bytes":
                    options.MaxBodyBytes = ParseCount(name, Value(), min: 0);
                    break;
                case "--idle-timeout":
                    options.IdleTimeout = ParseSeconds(name, Value());
                    break;
                case "--read-timeout":
                    options.ReadTimeout = ParseSeconds(name, Value());
                    break;
                case "--request-timeout":
                    options.RequestTimeout = ParseSeconds(name, Value());
                    break;
                case "--max-response-buffer-bytes":
                    options.MaxResponseBufferBytes = ParseCount(name, Value());
                    break;
                case "--status-path":
                    options.StatusPath = ParsePath(name, Value());
                    break;
                case "--ping-path":
                    options.PingPath = ParsePath(name, Value());
                    break;
                case "--slow-request-log":
                    options.SlowRequestThreshold = ParseSeconds(name, Value());
                    break;
                case "--shutdown-timeout":
                    options.ShutdownTimeout = ParseSeconds(name, Value(), allowZero: true);
                    break;
                case "--spool-threshold-bytes":
                    options.SpoolThresholdBytes = ParseBytes(name, Value());
                    break;
                case "--temp-dir":
                    options.TempDirectory = Value();
                    break;
                case "--max-spool-bytes":
                    options.MaxSpoolBytes = ParseBytes(name, Value());
                    break;
                case "--max-form-fields":
                    options.MaxFormFields = ParseCount(name, Value());
                    break;
                case "--blocking-threads":
                    options.BlockingThreads = ParseCount(name, Value(), max: 4096);
                    break;
                case "--blocking-queue":
                    options.BlockingQueueLength = ParseCount(name, Value());
                    break;
                case "--io-stall-warning":
                    int milliseconds = ParseCount(name, Value(), min: 0);
                    options.IoStallWarning = milliseconds == 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
                    break;
                case "--io-engine":
                    options.IoEngine = Value() switch
                    {
                        "epoll" => FcgiIoEngine.Epoll,
                        "sockets" => FcgiIoEngine.Sockets,
                        string other => throw Usage2($"--io-engine must be epoll or sockets, not '{other}'"),
                    };
                    break;
                default:
                    throw Usage2(arg.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{arg}'");
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count)
                {
                    throw Usage2($"option '{name}' needs a value");
                }

                return args[++i];
            }
        }

        if (options.UnixSocketPath is not null && options.TcpEndPoint is not null)
        {
            throw Usage2("give --socket or --tcp, not both");
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
                    throw Usage2($"FCGI_WEB_SERVER_ADDRS holds '{part}', which is not an IP address");
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
            throw Usage2(exception.Message);
        }

        return true;
    }

    private static FcgiStartupException Usage2(string message) => new(message, 2);

    private static int ParseCount(string name, string value, int min = 1, int max = int.MaxValue)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result) || result < min || result > max)
        {
            throw Usage2($"option '{name}' needs a whole number from {min} to {max}, not '{value}'");
        }

        return result;
    }

    private static long ParseBytes(string name, string value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long result))
        {
            throw Usage2($"option '{name}' needs a number of bytes, not '{value}'");
        }

        return result;
    }

    private static TimeSpan ParseSeconds(string name, string value, bool allowZero = false)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) ||
            seconds < 0 || (seconds == 0 && !allowZero) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            throw Usage2($"option '{name}' needs a number of seconds{(allowZero ? "" : " above 0")}, not '{value}'");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static string ParsePath(string name, string value)
    {
        if (!FcgiServerOptions.IsOperationsPath(value))
        {
            throw Usage2($"option '{name}' needs a path such as /status, not '{value}'");
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
            throw Usage2($"option '{name}' needs an octal mode such as 0660, not '{value}'");
        }

        return (UnixFileMode)mode;
    }

    private static IPEndPoint ParseTcp(string name, string value) =>
        FcgiListeners.TryParseTcp(value, out IPEndPoint? endPoint)
            ? endPoint!
            : throw Usage2($"'{name}' needs HOST:PORT such as 127.0.0.1:9000 or [::1]:9000, not '{value}'");
}
