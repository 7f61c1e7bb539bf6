using System;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A listening Unix socket the test owns and passes to each application process it starts, as
/// spawn-fcgi (descriptor 0) or systemd socket activation (descriptor 3, LISTEN_FDS, LISTEN_PID)
/// would, so the socket outlives every application process.
/// </summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process"/> cannot pass a descriptor, so the socket is dup(2)ed
/// (the copy is inheritable, unlike .NET's own descriptors) and the application is started by
/// <c>/bin/bash -c 'exec APP D&lt;&amp;N N&lt;&amp;-'</c>. bash (essential in Debian), not dash: dash
/// takes only descriptors 0-9 in a redirection, and the copy is usually above 9. For systemd the
/// script first exports <c>LISTEN_PID=$$</c>: bash's <c>$$</c> is its own pid, which
/// <c>exec</c> keeps, so it is the application's pid as sd_listen_fds(3) requires.
/// systemd-socket-activate would not do: its socket dies with the one application it execs.
/// </remarks>
internal static class PassedSocket
{
    /// <summary>The descriptor systemd passes the first socket on (SD_LISTEN_FDS_START).</summary>
    public const int SystemdDescriptor = 3;

    public static Socket Listen(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(512);
        return listener;
    }

    /// <summary>Starts <paramref name="executable"/> with a copy of <paramref name="listener"/> as its descriptor 0.</summary>
    public static ChildProcess StartOnDescriptor0(ServerSet servers, Socket listener, string executable, string name) =>
        Start(servers, listener, executable, name, 0, "");

    /// <summary>
    /// Starts <paramref name="executable"/> as systemd socket activation does: a copy of
    /// <paramref name="listener"/> on descriptor 3, <c>LISTEN_FDS=1</c> and <c>LISTEN_PID</c> its own pid.
    /// Its descriptor 0 stays the empty pipe <see cref="ChildProcess"/> gives it, so only the
    /// activated socket can serve.
    /// </summary>
    public static ChildProcess StartSocketActivated(ServerSet servers, Socket listener, string executable, string name) =>
        Start(servers, listener, executable, name, SystemdDescriptor, "export LISTEN_FDS=1 LISTEN_PID=$$; ");

    /// <summary>
    /// What descriptor <paramref name="descriptor"/> of process <paramref name="pid"/> is, as
    /// <c>/proc/PID/fd</c> names it: <c>socket:[INODE]</c>, <c>pipe:[INODE]</c>, a path.
    /// </summary>
    public static string DescribeDescriptor(int pid, int descriptor)
    {
        try
        {
            return new FileInfo(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fd/{descriptor}")).LinkTarget ?? "(not a link)";
        }
        catch (IOException exception)
        {
            return "(" + exception.Message + ")";
        }
    }

    /// <summary>The <c>socket:[INODE]</c> name of <paramref name="socket"/>, the same in every process that holds it.</summary>
    public static string Identity(Socket socket) => DescribeDescriptor(Environment.ProcessId, (int)socket.Handle);

    private static ChildProcess Start(ServerSet servers, Socket listener, string executable, string name, int target, string prologue)
    {
        int copy = Descriptors.dup((int)listener.Handle);
        if (copy < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "dup of the listening socket failed");
        }

        try
        {
            // If the copy happens to be the target descriptor already, it stays where it is.
            string redirect = copy == target ? "" : string.Create(CultureInfo.InvariantCulture, $" {target}<&{copy} {copy}<&-");
            string script = prologue + "exec \"$0\"" + redirect;
            return servers.Add(ChildProcess.Start(name, "/bin/bash", ["-c", script, executable]));
        }
        finally
        {
            Descriptors.close(copy);
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
