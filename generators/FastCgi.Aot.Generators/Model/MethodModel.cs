using System.Collections.Generic;
using System.Linq;

namespace FastCgi.Aot.Generators.Model;

/// <summary>
/// The method behind a handler: what the generated code binds and calls, whether it answers a route
/// or a role. Routes and role handlers hold one; nothing copies its fields.
/// </summary>
/// <remarks>Must stay value-equatable (strings, enums, equatable arrays), so that an unchanged handler is cached.</remarks>
/// <param name="ContainingType">The declaring type, fully qualified with <c>global::</c>.</param>
/// <param name="DisplayName">The declaring type's name and the method's, as diagnostics name the handler: <c>Api.GetUser</c>.</param>
internal sealed record MethodModel(
    string ContainingType,
    string MethodName,
    string DisplayName,
    ImmutableEquatableArray<ParameterModel> Parameters,
    ResultModel Result)
{
    /// <summary>The method with its parameter types, which orders handlers independently of file order.</summary>
    public string Signature => $"{ContainingType}.{MethodName}({string.Join(", ", Parameters.Select(static p => p.TypeName))})";

    /// <summary>The type and method as logs name them, without <c>global::</c>: <c>HelloFcgi.Routes.GetUser</c>.</summary>
    public string QualifiedName => ContainingType.Replace("global::", string.Empty) + "." + MethodName;

    /// <summary>
    /// True when the method binds form fields or files: its endpoint then has a multipart body read
    /// into the form as it arrives rather than kept as a body.
    /// </summary>
    public bool ReadsForm => Parameters.Any(static p => p.Source is BindingSource.Form or BindingSource.File);

    /// <summary>The types the handler reads or writes as JSON, each once: the result's first.</summary>
    public IEnumerable<string> JsonTypes
    {
        get
        {
            var types = new List<string>();
            if (Result.Kind == ResultKind.Json)
            {
                types.Add(Result.JsonTypeName);
            }

            foreach (ParameterModel parameter in Parameters)
            {
                if (parameter.Kind == ValueKind.Json && !types.Contains(parameter.Key))
                {
                    types.Add(parameter.Key);
                }
            }

            return types;
        }
    }
}

/// <summary>One handler parameter and how to bind it.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="Name">The C# name, used in comments and in 400 messages.</param>
/// <param name="TypeName">The declared type, fully qualified with its nullable annotation.</param>
/// <param name="ValueTypeName">The type parsed, with <see cref="System.Nullable{T}"/> removed; for a collection, its element's.</param>
/// <param name="Key">The route parameter, query key, form field, cookie, CGI parameter name, or JSON type name.</param>
/// <param name="DefaultValue">
/// The C# expression of the default when the value is absent, or null when it is required. A
/// collection is never required: null here means an empty one when the key is absent.
/// </param>
/// <param name="IsReferenceType">True when the type is a reference type (JSON bodies check them for null).</param>
/// <param name="Collection">For a <c>T[]</c> or <c>List&lt;T&gt;</c>, which: it takes every value of a repeated key, field or file part.</param>
/// <param name="ElementTypeName">For a collection, its element type as declared (<c>int?</c>, <c>string</c>); empty otherwise.</param>
/// <param name="ElementIsNullable">For a collection of <see cref="System.Nullable{T}"/>, true: an empty value binds null rather than being skipped.</param>
internal sealed record ParameterModel(
    string Name,
    string TypeName,
    string ValueTypeName,
    BindingSource Source,
    ValueKind Kind,
    string Key,
    string? DefaultValue,
    bool IsReferenceType = false,
    CollectionKind Collection = CollectionKind.None,
    string ElementTypeName = "",
    bool ElementIsNullable = false);

/// <summary>What a handler returns and how to write it.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="DeclaredTypeName">The declared return type, fully qualified (the task type for async handlers).</param>
/// <param name="TypeName">The result type written, fully qualified with its annotation; empty for void.</param>
/// <param name="JsonTypeName">For JSON results, the type whose type info is used.</param>
/// <param name="CanBeNull">True when the result may be null and a null result answers 404.</param>
internal sealed record ResultModel(
    ResultKind Kind,
    AsyncKind Async,
    string DeclaredTypeName,
    string TypeName,
    string JsonTypeName,
    bool CanBeNull);
