using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Internal;

/// <summary>Where a streaming response sends what it has buffered: the connection, or standard output in CGI mode.</summary>
/// <remarks>Called only when a response outgrows its buffer or a handler flushes, never for a small response.</remarks>
internal interface IFcgiResponseSink
{
    ValueTask FlushAsync(FcgiResponse response, CancellationToken cancellationToken);
}
