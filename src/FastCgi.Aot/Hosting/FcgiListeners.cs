using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FastCgi.Aot.Hosting;

/// <summary>Opens the listening socket the options ask for.</summary>
internal static class FcgiListeners
{
    /// <summary>The descriptor systemd passes the first socket on (sd_listen_fds(3): SD_LISTEN_FDS_START).</summary>
    public const int SystemdFirstDescriptor = 3;

    public static Socket Listen(FcgiServerOptions options, out bool owns, out string? socketFile, out string description)
    {
        socketFile = null;
        if (options.ListenSocket is { } inherited)
        {
            owns = options.OwnsListenSocket;
            description = Describe(inherited);
            return inherited;
        }

        owns = true;
        if (options.UnixSocketPath is { } path)
        {
            Socket socket = ListenUnix(path, options.UnixSocketMode, options.Backlog, options.UnixSocketGroup);
            socketFile = path;
            description = "unix:" + path;
            return socket;
        }

        if (options.TcpEndPoint is { } endPoint)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(endPoint);
                socket.Listen(options.Backlog);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                throw new FcgiStartupException($"cannot listen on tcp:{endPoint}: {exception.Message}");
            }

            description = "tcp:" + socket.LocalEndPoint;
            return socket;
        }

        throw new FcgiStartupException("no listen address: pass --socket PATH or --tcp HOST:PORT, or start the program with a listening socket on descriptor 0 or through systemd socket activation (LISTEN_FDS)", 2);
    }

    /// <summary>
    /// Listens on a Unix socket path. A stale socket file (nobody accepts on it) is replaced; a live
    /// socket or a path that is not a socket is refused, so a second instance cannot steal the
    /// first one's address and a typo cannot delete a file.
    /// </summary>
    public static Socket ListenUnix(string path, UnixFileMode mode, int backlog, string? group = null)
    {
        if (Directory.Exists(path))
        {
            throw new FcgiStartupException($"cannot listen on unix:{path}: it is a directory");
        }

        if (File.Exists(path))
        {
            if (!IsSocketFile(path))
            {
                throw new FcgiStartupException($"cannot listen on unix:{path}: the path exists and is not a socket");
            }

            using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                // Refused means stale: left behind by a process that died without removing it.
                int error = Transport.Libc.ConnectUnix(probe.SafeHandle, path);
                if (error == 0)
                {
                    throw new FcgiStartupException($"cannot listen on unix:{path}: another process is listening on it");
                }

                if (error != Transport.Libc.ECONNREFUSED)
                {
                    throw new FcgiStartupException($"cannot listen on unix:{path}: connecting to the existing socket failed: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }

            File.Delete(path);
        }

        // Resolved before the socket exists, so a bad group leaves no file behind.
        uint? groupId = group is null ? null : UnixGroups.Resolve(group);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bool bound = false;
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            bound = true;
            if (groupId is uint id)
            {
                UnixGroups.SetGroup(path, id);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }

            socket.Listen(backlog);
        }
        catch (Exception exception) when (exception is SocketException or IOException or UnauthorizedAccessException or FcgiStartupException)
        {
            socket.Dispose();
            if (bound)
            {
                // The file is ours: a socket nobody will accept on must not stay behind.
                File.Delete(path);
            }

            throw exception as FcgiStartupException ?? new FcgiStartupException($"cannot listen on unix:{path}: {exception.Message}");
        }

        return socket;
    }

    /// <summary>A socket file cannot be opened like a file: open(2) fails with ENXIO.</summary>
    private static bool IsSocketFile(string path)
    {
        try
        {
            File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose();
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Wraps descriptor <paramref name="descriptor"/> when it is a listening stream socket; null otherwise.</summary>
    public static Socket? TryAdoptListeningSocket(int descriptor)
    {
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle((IntPtr)descriptor, ownsHandle: false));
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }

        try
        {
            if (socket.SocketType == SocketType.Stream && socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) is int listening && listening != 0)
            {
                return socket;
            }
        }
        catch (SocketException)
        {
        }

        socket.Dispose();
        return null;
    }

    /// <summary>The socket systemd passed (LISTEN_PID is this process and LISTEN_FDS is at least 1), or null.</summary>
    public static Socket? TryAdoptSystemdSocket()
    {
        Socket? socket = TryAdoptSystemdSocket(Environment.GetEnvironmentVariable, Environment.ProcessId, SystemdFirstDescriptor, out bool addressedToUs);
        if (addressedToUs)
        {
            // sd_listen_fds(3) unsets these so that children do not take the sockets for theirs.
            Environment.SetEnvironmentVariable("LISTEN_PID", null);
            Environment.SetEnvironmentVariable("LISTEN_FDS", null);
            Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        }

        return socket;
    }

    /// <summary>
    /// The socket systemd passed when LISTEN_PID names <paramref name="processId"/> and LISTEN_FDS
    /// is at least 1: the listening socket on <paramref name="firstDescriptor"/>. Reads the
    /// environment through <paramref name="environment"/> so it can be tested without changing
    /// the process's.
    /// </summary>
    public static Socket? TryAdoptSystemdSocket(Func<string, string?> environment, int processId, int firstDescriptor, out bool addressedToUs)
    {
        addressedToUs = false;
        if (environment("LISTEN_PID") is not { } pid ||
            !int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int listenPid) ||
            listenPid != processId ||
            environment("LISTEN_FDS") is not { } fds ||
            !int.TryParse(fds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) ||
            count < 1)
        {
            return null;
        }

        addressedToUs = true;
        return TryAdoptListeningSocket(firstDescriptor);
    }

    /// <summary>An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it carries; any other as it is.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static string Describe(Socket socket) => socket.LocalEndPoint switch
    {
        UnixDomainSocketEndPoint unix => "unix:" + unix,
        IPEndPoint ip => "tcp:" + ip,
        { } other => other.ToString() ?? "inherited socket",
        null => "inherited socket",
    };

    /// <summary>Parses <c>HOST:PORT</c>, <c>[V6]:PORT</c> or <c>:PORT</c> (all addresses).</summary>
    public static bool TryParseTcp(string value, out IPEndPoint? endPoint)
    {
        endPoint = null;
        int colon = value.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort port))
        {
            return false;
        }

        string host = value.Substring(0, colon);
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        IPAddress? address;
        if (host.Length == 0 || host == "*")
        {
            address = IPAddress.Any;
        }
        else if (host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address))
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }
}
