// Selecting a slice of the project: the --server --strategy --database
// --frequency --tables filters every command shares.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"

namespace tributary {

// Each list empty = no restriction. Values may be comma-separated ("a,b").
// A task is selected when it matches every non-empty list.
struct TaskFilter {
  std::vector<std::string> servers;
  std::vector<std::string> strategies;
  std::vector<std::string> databases;
  std::vector<std::string> frequencies;
  // Source table name, schema.table, or sink table; `*` matches any run of
  // characters.
  std::vector<std::string> tables;
};

// "a, b,c" → {"a", "b", "c"}; empty items dropped.
std::vector<std::string> SplitList(const std::vector<std::string>& values);

// Shell-style match supporting `*` only.
bool GlobMatch(std::string_view pattern, std::string_view text);

// The tasks matching `filter`, in project order.
std::vector<Task> SelectTasks(const Project& project, const TaskFilter& filter);

// Messages for filter values that match nothing in the project, with a
// did-you-mean: "--server 'shopp' matches no server (did you mean 'shop'?); known: shop".
std::vector<std::string> UnmatchedFilterValues(const Project& project, const TaskFilter& filter);

// True when no filter value is given (everything is selected).
bool FilterIsEmpty(const TaskFilter& filter);

// For filters whose values all name something but select no task together:
// how many tasks each given flag selects alone, e.g. "--server crm: 2 tables;
// --frequency weekly: 0 tables".
std::string DescribeEmptySelection(const Project& project, const TaskFilter& filter);

}  // namespace tributary
