using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Hosting;

/// <summary>What a streaming response needs from its connection.</summary>
internal interface IConnectionOutput
{
    void FlushResponse(RequestContext context);

    ValueTask FlushResponseAsync(RequestContext context, CancellationToken cancellationToken);
}
