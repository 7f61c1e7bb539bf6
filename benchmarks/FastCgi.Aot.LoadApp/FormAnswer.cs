namespace FastCgi.Aot.LoadApp;

/// <summary>The answer of <c>POST /form</c>: the ten fields, decoded and typed.</summary>
internal sealed record FormAnswer(
    string Name, string Email, int Age, string City, string Country,
    string Lang, bool Newsletter, string Plan, int Seats, string Comment);
