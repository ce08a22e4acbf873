namespace LeadSync.Domain.Scoring;

/// <summary>An engagement behaviour counted from HubSpot contact properties.</summary>
public enum Signal
{
    PageView,
    SiteVisit,
    FormSubmission,
    ContentDownload,
    EmailOpen,
    EmailClick,
    DemoRequest,
    PricingPageView,
    WebinarAttendance,
}

/// <summary>How a fit rule compares a field. All text comparisons ignore case.</summary>
public enum FitOperator
{
    /// <summary>The value equals <c>Value</c> (or one of <c>Values</c>).</summary>
    Equals,

    /// <summary>The value is one of <c>Values</c>.</summary>
    In,

    /// <summary>The value contains <c>Value</c> (or one of <c>Values</c>) as a substring.</summary>
    Contains,

    /// <summary>The value parses as a number within [<c>Min</c>, <c>Max</c>] (either bound may be open).</summary>
    Range,

    /// <summary>The field is absent or blank.</summary>
    Missing,

    /// <summary>The value ends with <c>Value</c> (or one of <c>Values</c>), e.g. a ".edu" email domain.</summary>
    EndsWith,
}

/// <summary>Fit grade from the fit part; A is the best fit. "At least C" means A, B or C.</summary>
public enum FitGrade
{
    A,
    B,
    C,
    D,
}

/// <summary>Which system a fit field is read from.</summary>
public enum FieldSystem
{
    HubSpot,
    Salesforce,
}

public static class FitGradeExtensions
{
    /// <summary>True when <paramref name="grade"/> is as good as <paramref name="minimum"/> or better.</summary>
    public static bool IsAtLeast(this FitGrade grade, FitGrade minimum) => grade <= minimum;
}
