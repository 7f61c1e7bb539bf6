using System;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>
/// A scripted FastCGI "application" on a Unix socket, to give the client answers no real
/// application gives (cut off, malformed, split byte by byte). For each connection it reads one
/// request up to its empty STDIN record, runs the script with the request's bytes, and closes.
/// </summary>
internal sealed class FakeApplication : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Task _loop;

    private FakeApplication(string path, Action<Socket, byte[]> script)
    {
        Path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _loop = Task.Run(() => Serve(script));
    }

    public string Path { get; }

    public static FakeApplication Start(Action<Socket, byte[]> script) =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fcgi-fake-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".sock"), script);

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        File.Delete(Path);
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(10)));
    }

    private void Serve(Action<Socket, byte[]> script)
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return;
            }

            using (connection)
            {
                try
                {
                    script(connection, ReadRequest(connection));
                    connection.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                    // The client went away first (a timeout test): nothing to answer.
                }
            }
        }
    }

    /// <summary>Reads records up to the empty STDIN record that ends a Responder request.</summary>
    private static byte[] ReadRequest(Socket connection)
    {
        var request = new MemoryStream();
        var reader = new FcgiRecordReader();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            int received = connection.Receive(buffer);
            if (received == 0)
            {
                return request.ToArray();
            }

            request.Write(buffer, 0, received);
            ReadOnlySpan<byte> input = buffer.AsSpan(0, received);
            while (!input.IsEmpty)
            {
                FcgiReadStatus status = reader.Read(input, out int consumed, out FcgiRecordFragment fragment);
                input = input.Slice(consumed);
                if (status == FcgiReadStatus.Fragment && fragment.Header.Type == FcgiRecordType.Stdin && fragment.Header.ContentLength == 0)
                {
                    return request.ToArray();
                }
            }
        }
    }
}
