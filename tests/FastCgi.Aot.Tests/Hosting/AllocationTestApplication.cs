using System;
using System.Buffers.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>
/// The reference sample's <c>/hello</c> and <c>/add?a=&amp;b=</c>, written out as the route
/// generator emits them (same <see cref="FcgiBinding"/> calls in the same order), so that the
/// allocation test measures the server and the binding path a generated app runs.
/// </summary>
internal sealed class AllocationTestApplication : IFcgiApplication
{
    public static ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        ReadOnlySpan<byte> path = request.Path;
        Span<Range> segments = stackalloc Range[2];
        int count = FcgiBinding.SplitPath(path, segments);
        if (count == 1 && FcgiBinding.IsGetOrHead(request.Method))
        {
            if (path[segments[0]].SequenceEqual("hello"u8))
            {
                FcgiBinding.WriteText(response, "Hello, World!");
                return default;
            }

            if (path[segments[0]].SequenceEqual("add"u8))
            {
                return Add(request, response);
            }

            if (path[segments[0]].SequenceEqual("thread-allocated"u8))
            {
                return ThreadAllocated(response);
            }
        }

        return FcgiBinding.WriteNotFound(response);
    }

    /// <summary>
    /// "THREAD-ID BYTES": the thread this handler runs on, the thread that read the request, and
    /// what it has allocated so far. Read first, and the answer is formatted without allocating.
    /// </summary>
    private static ValueTask ThreadAllocated(FcgiResponse response)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Span<byte> text = stackalloc byte[48];
        Utf8Formatter.TryFormat(Environment.CurrentManagedThreadId, text, out int length);
        text[length++] = (byte)' ';
        Utf8Formatter.TryFormat(allocated, text.Slice(length), out int digits);
        response.Write(text.Slice(0, length + digits));
        return default;
    }

    private static ValueTask Add(FcgiRequest request, FcgiResponse response)
    {
        if (!FcgiBinding.TryGetQueryValue(request.QueryString, "a"u8, out ReadOnlySpan<byte> aRaw) || aRaw.IsEmpty)
        {
            return FcgiBinding.WriteMissingParameter(response, "a");
        }

        if (!FcgiBinding.TryParseUtf8(aRaw, FcgiValueEncoding.Query, out int a))
        {
            return FcgiBinding.WriteInvalidParameter(response, "a");
        }

        if (!FcgiBinding.TryGetQueryValue(request.QueryString, "b"u8, out ReadOnlySpan<byte> bRaw) || bRaw.IsEmpty)
        {
            return FcgiBinding.WriteMissingParameter(response, "b");
        }

        if (!FcgiBinding.TryParseUtf8(bRaw, FcgiValueEncoding.Query, out int b))
        {
            return FcgiBinding.WriteInvalidParameter(response, "b");
        }

        FcgiBinding.WriteText(response, a + b);
        return default;
    }
}
