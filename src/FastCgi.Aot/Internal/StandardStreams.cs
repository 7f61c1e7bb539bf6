using System;
using System.Buffers;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace FastCgi.Aot.Internal;

/// <summary>
/// The process's standard input, output and error, as plain write(2) and read(2) on descriptors 0,
/// 1 and 2. <see cref="Console"/> would do, but it links a terminal layer (terminfo, key handling,
/// signal plumbing) of about 40 KB into every executable, for a server that only ever writes lines.
/// </summary>
internal static class StandardStreams
{
    /// <summary>Standard error, UTF-8, one write per line: where the server logs. Tests may replace it.</summary>
    public static TextWriter Error { get; set; } = TextWriter.Synchronized(new DescriptorWriter(2));

    /// <summary>Standard output, UTF-8 (for --help). Tests may replace it.</summary>
    public static TextWriter Output { get; set; } = TextWriter.Synchronized(new DescriptorWriter(1));

    /// <summary>Standard input as a stream (CGI mode's request body).</summary>
    public static Stream OpenInput() => new DescriptorStream(0);

    /// <summary>Standard output as a stream (CGI mode's response).</summary>
    public static Stream OpenOutput() => new DescriptorStream(1);

    /// <summary>Writes all of <paramref name="data"/> to <paramref name="fd"/>; false when the descriptor is closed or broken.</summary>
    internal static bool WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            nint written = Write(fd, ref MemoryMarshal.GetReference(data), (nuint)data.Length);
            if (written < 0)
            {
                if (Marshal.GetLastPInvokeError() == 4)
                {
                    continue; // EINTR
                }

                return false;
            }

            data = data.Slice((int)written);
        }

        return true;
    }

    // The build targets link libc directly into a NativeAOT executable (DirectPInvoke).
    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, ref byte buffer, nuint count);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, ref byte buffer, nuint count);

    /// <summary>A text writer that buffers a line and writes it with one write(2).</summary>
    private sealed class DescriptorWriter(int fd) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => _pending.Append(value);

        public override void Write(string? value) => _pending.Append(value);

        public override void Write(ReadOnlySpan<char> buffer) => _pending.Append(buffer);

        public override void WriteLine(string? value)
        {
            _pending.Append(value).Append('\n');
            Flush();
        }

        public override void WriteLine() => WriteLine(string.Empty);

        public override void Flush()
        {
            if (_pending.Length == 0)
            {
                return;
            }

            string text = _pending.ToString();
            _pending.Clear();
            byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
            try
            {
                int length = Encoding.UTF8.GetBytes(text, bytes);

                // A closed descriptor (a web server that spawned us with 2 closed) loses the line:
                // logging is best effort (FastCGI 1.0 §2.2).
                WriteAll(fd, bytes.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>A stream over a descriptor: blocking read(2) and write(2), nothing buffered.</summary>
    private sealed class DescriptorStream(int fd) : Stream
    {
        public override bool CanRead => fd == 0;

        public override bool CanSeek => false;

        public override bool CanWrite => fd != 0;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                nint read = StandardStreams.Read(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != 4)
                {
                    throw new IOException($"read from descriptor {fd} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!WriteAll(fd, buffer))
            {
                throw new IOException($"write to descriptor {fd} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
