using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a parameter of the <see cref="FcgiFilterAttribute"/> handler to the Filter role's DATA
/// stream, the file being filtered (FastCGI 1.0 §6.4), as <see cref="ReadOnlyMemory{T}"/> of bytes,
/// a <see cref="byte"/> array, a <see cref="string"/> (UTF-8) or a <see cref="System.IO.Stream"/>.
/// Only the filter receives DATA; the request body stays available through <see cref="FcgiBodyAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiDataAttribute : Attribute
{
}
