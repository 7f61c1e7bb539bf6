using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>The test application, declaring that it plays the Responder role only.</summary>
internal sealed class ResponderOnlyApplication : IFcgiApplication
{
    public static bool AcceptsRole(FcgiRole role) => role == FcgiRole.Responder;

    public static ValueTask HandleAsync(FcgiRequest request, FcgiResponse response) => TestApplication.HandleAsync(request, response);
}
