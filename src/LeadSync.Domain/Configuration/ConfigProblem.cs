namespace LeadSync.Domain.Configuration;

/// <summary>
/// One thing wrong with the configuration: where (a JSON path such as <c>LeadSync:Scoring:FitRules[2]:Points</c>),
/// what is wrong, and what is allowed. Validators return every problem, never only the first.
/// </summary>
public sealed record ConfigProblem(string Path, string Problem, string Allowed)
{
    public override string ToString() => $"{Path}: {Problem} (allowed: {Allowed})";
}
