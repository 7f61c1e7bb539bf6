using System;

namespace FastCgi.Aot;

/// <summary>
/// Names the <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> whose type info the
/// generated handlers use for JSON bodies and results, once per assembly:
/// <c>[assembly: FcgiJsonContext(typeof(AppJsonContext))]</c>. Every JSON-typed parameter or return
/// type must be listed on that context with <c>[JsonSerializable(typeof(T))]</c>.
/// </summary>
/// <param name="contextType">The source-generated context type; it must have a static <c>Default</c> instance.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class FcgiJsonContextAttribute(Type contextType) : Attribute
{
    /// <summary>The context type.</summary>
    public Type ContextType { get; } = contextType;
}
