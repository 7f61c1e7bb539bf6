using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a handler parameter to the request body. <see cref="ReadOnlyMemory{T}"/> of bytes and
/// <see cref="System.IO.Stream"/> parameters bind the body without it; a <see cref="string"/>
/// parameter needs it (otherwise it comes from the query string), and so does a JSON-typed
/// parameter on a GET route.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiBodyAttribute : Attribute
{
}
