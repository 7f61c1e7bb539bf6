using System;
using System.Runtime.InteropServices;

namespace FastCgi.Aot.Transport;

/// <summary>
/// The Linux system calls the epoll transport makes. The FastCgi.Aot build targets link libc
/// directly into a NativeAOT executable (DirectPInvoke), so a static executable needs no libc.so.
/// </summary>
/// <remarks>
/// Buffers are passed as <c>ref byte</c>: the marshaller pins them for the call, so no unsafe
/// code is needed. Constants are Linux's generic values, the same on x86-64 and arm64.
/// </remarks>
internal static class Libc
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EBADF = 9;
    public const int EPIPE = 32;
    public const int ECONNRESET = 104;
    public const int ENOTCONN = 107;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_MOD = 3;

    public const int EPOLL_CLOEXEC = 0x80000;

    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;

    /// <summary>
    /// struct epoll_event is packed on x86-64 (12 bytes: events, then data at offset 4) and
    /// naturally aligned elsewhere (16 bytes: data at offset 8).
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    private static readonly int s_epollDataOffset = EpollEventSize - sizeof(ulong);

    /// <summary>The events of entry <paramref name="index"/> of an epoll_wait result (native byte order).</summary>
    public static uint ReadEvents(ReadOnlySpan<byte> events, int index) =>
        MemoryMarshal.Read<uint>(events.Slice(index * EpollEventSize));

    /// <summary>The data (our token) of entry <paramref name="index"/> of an epoll_wait result.</summary>
    public static ulong ReadData(ReadOnlySpan<byte> events, int index) =>
        MemoryMarshal.Read<ulong>(events.Slice((index * EpollEventSize) + s_epollDataOffset));

    /// <summary>epoll_ctl with one event built in place; returns 0 or the errno.</summary>
    public static int EpollControl(int epoll, int operation, int fd, uint events, ulong data)
    {
        Span<byte> buffer = stackalloc byte[16];
        buffer.Clear();
        MemoryMarshal.Write(buffer, in events);
        MemoryMarshal.Write(buffer.Slice(s_epollDataOffset), in data);
        return EpollCtl(epoll, operation, fd, ref MemoryMarshal.GetReference(buffer)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [DllImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static extern int EpollCreate1(int flags);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static extern int EpollCtl(int epoll, int operation, int fd, ref byte events);

    [DllImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static extern int EpollWait(int epoll, ref byte events, int maxEvents, int timeout);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static extern nint Recv(IntPtr fd, ref byte buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    public static extern nint Send(IntPtr fd, ref byte buffer, nuint length, int flags);

    /// <summary>
    /// connect(2) of a Unix stream socket to <paramref name="path"/>; returns 0 or the errno.
    /// Socket.Connect would do the same, but it also starts a connect Activity, which links
    /// System.Diagnostics.DiagnosticSource and, through it, time zone support into every
    /// executable for this one probe (about 60 KB, docs/performance.md).
    /// </summary>
    public static int ConnectUnix(SafeHandle socket, string path)
    {
        // struct sockaddr_un: sa_family_t sun_family (AF_UNIX = 1), then the NUL-terminated path.
        const int PathOffset = sizeof(ushort);
        Span<byte> address = stackalloc byte[110];
        address.Clear();
        MemoryMarshal.Write(address, (ushort)1);
        int length = System.Text.Encoding.UTF8.GetBytes(path, address.Slice(PathOffset, address.Length - PathOffset - 1));
        return Connect(socket, ref MemoryMarshal.GetReference(address), (uint)(PathOffset + length + 1)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [DllImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static extern int Connect(SafeHandle socket, ref byte address, uint length);
}
