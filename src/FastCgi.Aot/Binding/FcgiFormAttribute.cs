using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a handler parameter to a field of the request's form: an
/// <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> body. The types,
/// nullability, defaults and 400 answers are those of query values; <c>T[]</c> and
/// <c>List&lt;T&gt;</c> take every value of a repeated field. On an <see cref="FcgiFile"/>
/// parameter it names the file's part when the name differs from the parameter's.
/// </summary>
/// <remarks>
/// A handler with form parameters has its multipart body read as it arrives: fields into memory
/// (within <c>--spool-threshold-bytes</c> together), files into memory or a temporary file.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiFormAttribute : Attribute
{
    /// <summary>Binds the form field whose name is the parameter's name.</summary>
    public FcgiFormAttribute()
    {
    }

    /// <summary>Binds the form field named <paramref name="name"/>.</summary>
    /// <param name="name">The field's name, as the HTML form's <c>name</c> attribute has it.</param>
    public FcgiFormAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The field's name, or null for the parameter's name.</summary>
    public string? Name { get; }
}
