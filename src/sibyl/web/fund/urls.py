from django.urls import path

from sibyl.web.fund import views

app_name = "fund"
urlpatterns = [
    path("fund/", views.ledger, name="ledger"),
    path("fund/flows/add/", views.add, name="add"),
    path("fund/import/", views.import_file, name="import"),
    path("fund/simulate/", views.simulate, name="simulate"),
    path("charts/fund.svg", views.chart, name="chart"),
    path("charts/simulation-fan.svg", views.simulation_fan, name="simulation_fan"),
    path("charts/simulation-irr.svg", views.simulation_irr, name="simulation_irr"),
]
