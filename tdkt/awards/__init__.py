"""Awards: the catalogue, nominations and their path, personal records, eligibility under the law, statistics."""
