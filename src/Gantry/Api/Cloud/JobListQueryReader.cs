using Gantry.Domain;
using Gantry.Jobs;

namespace Gantry.Api.Cloud;

/// <summary>Reads and checks the query string of <c>GET /api/jobs</c>; a bad parameter is a 400 naming it.</summary>
public static class JobListQueryReader
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static JobListQuery? Read(IQueryCollection query, long userId, out string? error)
    {
        error = null;
        var states = new List<JobState>();
        if (QueryParameters.Single(query, "status") is { } statusText && statusText.Length > 0)
        {
            foreach (var part in statusText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!JobStatusVocabulary.TryParsePublic(part.ToLowerInvariant(), out var status))
                {
                    error = $"Invalid status value '{part}'. Valid values: pending, in_progress, completed, failed, cancelled.";
                    return null;
                }

                states.AddRange(JobStatusVocabulary.StatesOf(status));
            }
        }

        var outputType = OutputMediaTypes.None;
        if (QueryParameters.Single(query, "output_type") is { Length: > 0 } outputText)
        {
            outputType = outputText switch
            {
                "image" => OutputMediaTypes.Image,
                "video" => OutputMediaTypes.Video,
                "audio" => OutputMediaTypes.Audio,
                _ => OutputMediaTypes.None,
            };
            if (outputType == OutputMediaTypes.None)
            {
                error = $"Invalid output_type '{outputText}'. Valid values: image, video, audio.";
                return null;
            }
        }

        var sortBy = JobSortField.CreateTime;
        if (QueryParameters.Single(query, "sort_by") is { Length: > 0 } sortText)
        {
            switch (sortText)
            {
                case "create_time":
                    break;
                case "execution_time":
                    sortBy = JobSortField.ExecutionTime;
                    break;
                default:
                    error = $"Invalid sort_by '{sortText}'. Valid values: create_time, execution_time.";
                    return null;
            }
        }

        var descending = true;
        if (QueryParameters.Single(query, "sort_order") is { Length: > 0 } orderText)
        {
            switch (orderText)
            {
                case "desc":
                    break;
                case "asc":
                    descending = false;
                    break;
                default:
                    error = $"Invalid sort_order '{orderText}'. Valid values: asc, desc.";
                    return null;
            }
        }

        if (!QueryParameters.TryReadInt(query, "offset", 0, 0, int.MaxValue, out var offset, out error)
            || !QueryParameters.TryReadInt(query, "limit", DefaultLimit, 1, MaxLimit, out var limit, out error))
        {
            return null;
        }

        return new JobListQuery
        {
            UserId = userId,
            States = states.Distinct().ToList(),
            WorkflowId = QueryParameters.Single(query, "workflow_id") is { Length: > 0 } workflowId ? workflowId : null,
            OutputType = outputType,
            SortBy = sortBy,
            Descending = descending,
            Offset = offset,
            Limit = limit,
        };
    }
}
