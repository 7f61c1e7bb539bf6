namespace FastCgi.Aot.Generators.Model;

/// <summary>One route: a method, a template, and the handler with its binders.</summary>
/// <remarks>Must stay value-equatable (strings, enums, bools, equatable arrays), so that an unchanged route is cached.</remarks>
internal sealed record RouteModel(
    string HttpMethod,
    string Template,
    ImmutableEquatableArray<SegmentModel> Segments,
    string ContainingType,
    string MethodName,
    string DisplayName,
    ImmutableEquatableArray<ParameterModel> Parameters,
    ResultModel Result)
{
    /// <summary>The template with its parameter names removed: routes with one shape match the same paths.</summary>
    public string Shape => TemplateParser.Shape(Segments);
}

/// <summary>One segment of a route template.</summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record SegmentModel(SegmentKind Kind, string Value);

/// <summary>One handler parameter and how to bind it.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="Name">The C# name, used in comments and in 400 messages.</param>
/// <param name="TypeName">The declared type, fully qualified with its nullable annotation.</param>
/// <param name="ValueTypeName">The type parsed, with <see cref="System.Nullable{T}"/> removed.</param>
/// <param name="Key">The route parameter, query key, CGI parameter name, or JSON type name.</param>
/// <param name="DefaultValue">The C# expression of the default when the value is absent, or null when it is required.</param>
/// <param name="IsReferenceType">True when the type is a reference type (JSON bodies check them for null).</param>
internal sealed record ParameterModel(
    string Name,
    string TypeName,
    string ValueTypeName,
    BindingSource Source,
    ValueKind Kind,
    string Key,
    string? DefaultValue,
    bool IsReferenceType = false);

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
