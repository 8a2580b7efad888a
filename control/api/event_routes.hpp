// The event bus's routes: the outbox read page by page and as a live stream (any signed-in
// role), webhooks and the other subscriptions with their delivery logs (admin).
#pragma once

#include <memory>

#include "control/events/event_feed.hpp"
#include "control/events/event_signals.hpp"
#include "control/events/subscription_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_event_routes(kernel::http::Router& router, EventFeed feed,
                      std::shared_ptr<EventSignals> signals);
void add_webhook_routes(kernel::http::Router& router,
                        std::shared_ptr<SubscriptionService> subscriptions);

}  // namespace vergegrid::control
