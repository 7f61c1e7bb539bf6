using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace FastCgi.Aot.Internal;

/// <summary>
/// A temporary file that holds a request body (or a file part of a form) too large to keep in
/// memory. It has no name from the start: created with O_TMPFILE where the file system allows,
/// otherwise created and unlinked at once, so a crash, a SIGKILL or a power cut leaves nothing
/// behind; its space is freed when the descriptor closes.
/// </summary>
/// <remarks>
/// Writes and reads are positional (pwrite/pread through <see cref="RandomAccess"/>). The async
/// variants run the system call on the thread pool (the descriptor is not opened for async I/O,
/// which Linux file systems do not offer), so the connection's I/O thread never waits on the disk.
/// </remarks>
internal sealed class SpoolFile : IDisposable
{
    // Linux's generic values, the same on x86-64 and arm64.
    private const int O_RDWR = 0x2;
    private const int O_CREAT = 0x40;
    private const int O_EXCL = 0x80;
    private const int O_CLOEXEC = 0x80000;
    private const int O_TMPFILE = 0x410000;
    private const int Mode0600 = 0x180;

    private static int s_counter;

    private readonly SafeFileHandle _handle;

    private SpoolFile(SafeFileHandle handle) => _handle = handle;

    /// <summary>Creates an unnamed temporary file in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The directory does not exist, is not writable, or is full.</exception>
    public static SpoolFile Create(string directory)
    {
        if (OperatingSystem.IsLinux())
        {
            int fd = Open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, Mode0600);
            if (fd >= 0)
            {
                return new SpoolFile(new SafeFileHandle(fd, ownsHandle: true));
            }

            // EOPNOTSUPP or EISDIR: a file system without O_TMPFILE (some FUSE and network file
            // systems, old kernels). Fall through to a named file unlinked at once.
            int errno = Marshal.GetLastPInvokeError();
            if (errno is not (95 or 21 or 22))
            {
                throw new IOException($"cannot create a temporary file in '{directory}' (--temp-dir): {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        // Unique enough for the instant it exists: the process, a counter, the clock (and O_EXCL).
        string path = Path.Combine(directory, $".fcgi-spool-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{Environment.TickCount64}");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocationSize: 0);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot create a temporary file in '{directory}' (--temp-dir): {exception.Message}", exception);
        }

        // The descriptor keeps the data; the name goes at once.
        File.Delete(path);
        return new SpoolFile(handle);
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, on the thread pool.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset) => RandomAccess.WriteAsync(_handle, data, offset);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> on the calling thread.</summary>
    public void Write(ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(_handle, data, offset);

    /// <summary>Reads at <paramref name="offset"/> on the calling thread.</summary>
    public int Read(Span<byte> buffer, long offset) => RandomAccess.Read(_handle, buffer, offset);

    /// <summary>Reads at <paramref name="offset"/>, on the thread pool.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken) =>
        RandomAccess.ReadAsync(_handle, buffer, offset, cancellationToken);

    public void Dispose() => _handle.Dispose();

    // The build targets link libc directly into a NativeAOT executable (DirectPInvoke).
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
}
