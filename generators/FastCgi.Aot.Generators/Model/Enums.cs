namespace FastCgi.Aot.Generators.Model;

/// <summary>Where a parameter's value comes from.</summary>
internal enum BindingSource
{
    Route,
    CatchAll,
    Query,
    Form,
    Cookie,
    Param,
    Header,

    /// <summary>An uploaded file: a part of a multipart form with a file name.</summary>
    File,
    Body,
    Data,
    Request,
    Response,
    CancellationToken,
}

/// <summary>The FastCGI role a handler plays (FastCGI 1.0 §6).</summary>
internal enum HandlerRole
{
    Responder,
    Authorizer,
    Filter,
}

/// <summary>How a parameter's value is read.</summary>
internal enum ValueKind
{
    None,
    String,
    Boolean,
    Enum,
    Utf8Parsable,
    SpanParsable,
    Json,
    ByteMemory,
    ByteArray,
    Stream,
    File,
}

/// <summary>Whether a parameter takes one value, or every value of a repeated key or field, and as what.</summary>
internal enum CollectionKind
{
    None,
    Array,
    List,
}

/// <summary>How a handler's result is written.</summary>
internal enum ResultKind
{
    Void,
    String,
    ByteArray,
    ByteMemory,
    Number,
    Boolean,
    Json,
    Result,
}

/// <summary>Whether the handler returns a task, and which.</summary>
internal enum AsyncKind
{
    None,
    Task,
    ValueTask,
}

/// <summary>The kind of a route template segment.</summary>
internal enum SegmentKind
{
    Literal,
    Parameter,
    CatchAll,
}

/// <summary>When a hook runs: before a route, or after every request.</summary>
internal enum HookKind
{
    Before,
    After,
}
