using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Hosting;

/// <summary>What a streaming response needs from its connection.</summary>
internal interface IConnectionOutput
{
    ValueTask FlushResponseAsync(RequestContext context, CancellationToken cancellationToken);
}
